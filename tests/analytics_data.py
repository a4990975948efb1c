"""Live chat-log turns written as real segments, for the analytics tests."""

import json
import uuid
from datetime import datetime, timedelta, timezone

from assistant import segments
from assistant.segments import FEEDBACK, TURNS

START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def turn(
    session: str,
    index: int,
    label: str,
    outcome: str,
    confidence: float,
    text: str = "вопрос",
    channel: str = "lk",
    choices=(),
    days: int = 0,
) -> dict:
    """One chat_turns row as ChatLog writes it."""
    return {
        "turn_id": f"{session}-{index}",
        "session_id": session,
        "channel": channel,
        "turn_index": index,
        "logged_at": START + timedelta(days=days, minutes=index),
        "masked_text": text,
        "label": label,
        "confidence": confidence,
        "outcome": outcome,
        "choices": json.dumps(list(choices)),
        "top": json.dumps([[label, confidence]]),
        "source": "live",
    }


def rating(turn_row: dict, value: int, minutes: int = 5) -> dict:
    return {
        "feedback_id": str(uuid.uuid4()),
        "session_id": turn_row["session_id"],
        "turn_id": turn_row["turn_id"],
        "rating": value,
        "logged_at": turn_row["logged_at"] + timedelta(minutes=minutes),
    }


def write_turns(root, rows: list[dict]) -> None:
    by_day: dict[str, list[dict]] = {}
    for row in rows:
        by_day.setdefault(segments.day_of(row["logged_at"]), []).append(row)
    for day, day_rows in by_day.items():
        segments.write_segment(root, TURNS, day, day_rows)


def write_ratings(root, rows: list[dict]) -> None:
    for row in rows:
        segments.write_segment(root, FEEDBACK, segments.day_of(row["logged_at"]), [row])
