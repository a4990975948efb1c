"""Rebuilding a session from the chat log after the API restarted."""

import json
import logging
from datetime import datetime, timedelta, timezone

from assistant.chatlog import ChatLog
from assistant.classifier import NO_SERVICE
from assistant.dialog import ANSWERED, CLARIFIED, Choice, Session
from assistant.labels import OUT_OF_SCOPE

log = logging.getLogger(__name__)


def restore_session(chat_log: ChatLog, session_id: str, topics: dict,
                    max_age: float) -> tuple[Session, list[str]] | None:
    """The session and its turn ids from its logged turns; None if none are recent."""
    rows = logged_turns(chat_log, session_id)
    if not rows:
        return None
    age = datetime.now(timezone.utc) - rows[-1]["logged_at"]
    if age > timedelta(seconds=max_age):
        return None
    session = Session(channel=rows[0]["channel"], session_id=session_id)
    for row in rows:
        replay(session, row, topics)
    return session, [row["turn_id"] for row in rows]


def logged_turns(chat_log: ChatLog, session_id: str) -> list[dict]:
    """The session's rows from every process's segments, oldest first."""
    try:
        frame = chat_log.read_turns(session_id)
    except Exception as error:
        log.warning("session %s not restored, log unreadable: %s", session_id, error)
        return []
    return frame.to_dict("records")


def replay(session: Session, row: dict, topics: dict) -> None:
    """What the dialog manager kept of this turn when it happened."""
    session.turns = max(session.turns, int(row["turn_index"]))
    if kept_in_history(row, topics):
        session.history.append(row["masked_text"])
    topic = topics.get(row["label"])
    if row["outcome"] == ANSWERED and topic and topic.service not in NO_SERVICE:
        session.service = topic.service
    labels = json.loads(row["choices"]) if row["outcome"] == CLARIFIED else []
    session.choices = [Choice(label, topics[label].title) for label in labels
                       if label in topics]


def kept_in_history(row: dict, topics: dict) -> bool:
    """Service replies, repeated questions and pressed buttons leave no history."""
    if row["confidence"] == 0.0 and row["label"] == OUT_OF_SCOPE:
        return False
    if row["confidence"] == 0.0 and row["outcome"] == CLARIFIED:
        return False
    topic = topics.get(row["label"])
    pressed = row["confidence"] == 1.0 and topic and row["masked_text"] == topic.title
    return not pressed
