"""Request and response bodies of the API, as published in api/openapi.json."""

import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.guard import MAX_MESSAGE_CHARS

Channel = Literal["utp", "lk", "mobile"]
Outcome = Literal["answered", "clarified", "fallback", "deleted"]
# Longer texts are refused; from MAX_MESSAGE_CHARS up to this the dialog answers the
# beginning and says it was cut, as the chat page does.
MAX_TEXT_CHARS = 10_000
LABEL_PATTERN = r"^[a-z0-9_]{1,64}$"
SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"
TURN_ID_PATTERN = r"^[0-9a-f-]{36}$"
# Line breaks and tabs are ordinary in a pasted message; other control characters
# and lone surrogates only come from broken or hostile clients.
ALLOWED_CONTROLS = {"\n", "\r", "\t"}
REFUSED_CATEGORIES = {"Cc", "Cs"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionRequest(Strict):
    channel: Channel = Field(
        description="utp connection portal, lk personal account, mobile app"
    )


class SessionCreated(BaseModel):
    session_id: str
    channel: Channel
    welcome: str


class MessageRequest(Strict):
    """Either the client's text or the label of a clarification button, not both."""

    text: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description=f"Only the first {MAX_MESSAGE_CHARS} characters are read.",
    )
    choice: str | None = Field(None, pattern=LABEL_PATTERN)

    @field_validator("text")
    @classmethod
    def refuse_control_characters(cls, text: str | None) -> str | None:
        if text is None:
            return text
        bad = [ch for ch in text if is_refused(ch)]
        if bad:
            raise ValueError(f"control character {bad[0]!r} in text; send plain text")
        return text

    @model_validator(mode="after")
    def require_one(self) -> "MessageRequest":
        if (self.text is None) == (self.choice is None):
            raise ValueError("expected exactly one of 'text' and 'choice'")
        return self


class ChoiceOut(BaseModel):
    label: str
    title: str


class NextAction(BaseModel):
    """choose: send {"choice": value}; reply: send {"text": value}; open_link: a URL;
    call: a tel: URI."""

    type: Literal["choose", "reply", "open_link", "call"]
    value: str
    title: str


class MessageReply(BaseModel):
    turn_id: str | None = Field(
        description="For feedback; null if the turn was not logged"
    )
    reply: str
    label: str
    confidence: float
    outcome: Outcome
    choices: list[ChoiceOut]
    next_actions: list[NextAction]


class FeedbackRequest(Strict):
    rating: Literal[1, -1]
    turn_id: str | None = Field(None, pattern=TURN_ID_PATTERN)


class FeedbackAccepted(BaseModel):
    status: Literal["accepted"] = "accepted"


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    model: str
    store: str


class Problem(BaseModel):
    detail: str


def is_refused(ch: str) -> bool:
    return ch not in ALLOWED_CONTROLS and unicodedata.category(ch) in REFUSED_CATEGORIES
