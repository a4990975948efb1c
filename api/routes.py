"""The endpoints: sessions, messages, feedback and health, under /api/v1."""

import math
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status
from starlette.concurrency import run_in_threadpool

from assistant import retention
from assistant.dialog import Reply
from assistant.settings import MODEL_DIR

from .actions import next_actions
from .errors import invalid
from .schemas import (
    SESSION_ID_PATTERN,
    ChoiceOut,
    FeedbackAccepted,
    FeedbackRequest,
    Health,
    MessageReply,
    MessageRequest,
    Problem,
    SessionCreated,
    SessionRequest,
)
from .sessions import Entry
from .state import ApiState

router = APIRouter(prefix="/api/v1")
SessionId = Annotated[str, Path(pattern=SESSION_ID_PATTERN)]
NOT_FOUND = {404: {"model": Problem, "description": "Unknown or expired session"}}
LIMITED = {429: {"model": Problem, "description": "Too many messages in this session"}}
FORGET_LABEL, DELETED = "forget_request", "deleted"


def state_of(request: Request) -> ApiState:
    return request.app.state.api


@router.post("/sessions", status_code=status.HTTP_201_CREATED)
def create_session(body: SessionRequest, request: Request) -> SessionCreated:
    """Start a conversation; the welcome text is the first bot message to show."""
    state = state_of(request)
    entry = state.open_session(body.channel)
    welcome = state.manager.store.message("welcome")
    return SessionCreated(session_id=entry.session.session_id, channel=body.channel,
                          welcome=welcome)


@router.post("/sessions/{session_id}/messages", responses=NOT_FOUND | LIMITED)
async def post_message(session_id: SessionId, body: MessageRequest,
                       request: Request) -> MessageReply:
    """The client's text, or the label of a pressed clarification button."""
    state = state_of(request)
    entry = state.sessions.get(session_id)
    if entry is None:
        # Rebuilding reads the chat log from disk: not on the event loop.
        entry = await run_in_threadpool(require_session, state, session_id)
    # A reply is a few milliseconds of CPU with no waiting: computed on the event loop,
    # it skips two thread hops per request, which cost as much as the reply itself.
    with entry.lock:
        check_rate(entry)
        if body.choice is not None:
            return press_choice(state, entry, body.choice)
        if retention.is_forget_request(body.text):
            return forget(state, entry)
        return exchange(state, entry, body.text)


@router.post("/sessions/{session_id}/feedback", status_code=status.HTTP_202_ACCEPTED,
             responses=NOT_FOUND)
def post_feedback(session_id: SessionId, body: FeedbackRequest,
                  request: Request) -> FeedbackAccepted:
    """A thumbs up (1) or down (-1) for the session, or for one of its turns."""
    state = state_of(request)
    entry = require_session(state, session_id)
    if body.turn_id is not None and body.turn_id not in entry.turn_ids:
        raise invalid(("body", "turn_id"), "not a turn of this session")
    state.chat_log.record_feedback(session_id, body.turn_id, body.rating)
    return FeedbackAccepted()


@router.get("/health")
def health(request: Request) -> Health:
    """Ready to answer: the model and the knowledge store are loaded."""
    manager = state_of(request).manager
    model = manager.classifier.version or MODEL_DIR.name
    store = f"{manager.store.path.name}, {len(manager.store.labels())} answers"
    return Health(model=model, store=store)


def require_session(state: ApiState, session_id: str) -> Entry:
    entry = state.find_session(session_id)
    if entry is None:
        raise HTTPException(404, "unknown or expired session; start a new one")
    return entry


def check_rate(entry: Entry) -> None:
    wait = entry.window.wait(time.monotonic())
    if wait > 0:
        seconds = math.ceil(wait)
        raise HTTPException(429, f"too many messages; try again in {seconds} s",
                            headers={"Retry-After": str(seconds)})


def press_choice(state: ApiState, entry: Entry, label: str) -> MessageReply:
    offered = [choice.label for choice in entry.session.choices]
    if label not in offered:
        raise invalid(("body", "choice"), f"expected one of {offered}; got {label!r}")
    reply = state.manager.choose(entry.session, label)
    return logged(state, entry, reply)


def exchange(state: ApiState, entry: Entry, text: str) -> MessageReply:
    # A rebuilt knowledge store is served without a restart, as on the chat page.
    state.manager.store.refresh_if_changed()
    reply = state.manager.reply(entry.session, text)
    return logged(state, entry, reply)


def logged(state: ApiState, entry: Entry, reply: Reply) -> MessageReply:
    """Write the exchange to the chat log, as the chat page does, then answer."""
    turn_id = state.chat_log.record(entry.session, reply)
    if turn_id is not None:
        entry.turn_ids.append(turn_id)
    return MessageReply(
        turn_id=turn_id,
        reply=reply.text,
        label=reply.label,
        confidence=round(float(reply.confidence), 4),
        outcome=reply.outcome,
        choices=[ChoiceOut(label=c.label, title=c.title) for c in reply.choices],
        next_actions=next_actions(reply),
    )


def forget(state: ApiState, entry: Entry) -> MessageReply:
    """Delete the session's logged turns and ratings; the request is not logged."""
    retention.forget_session(state.chat_log, entry.session)
    entry.turn_ids.clear()
    text = state.manager.store.message("data_deleted")
    return MessageReply(turn_id=None, reply=text, label=FORGET_LABEL, confidence=1.0,
                        outcome=DELETED, choices=[], next_actions=[])
