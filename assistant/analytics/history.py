"""The historical export replayed through today's dialog manager, in the live log's shape.

The export keeps what clients wrote, not what the old bot decided; replaying each
session through the current model gives every historical message the label,
confidence, top-3 and outcome the assistant would produce now, so history and the
live log answer the same questions side by side.
"""

import json
import logging

import pandas as pd
import pyarrow as pa

from ..dialog import DialogManager
from ..segments import SCHEMAS, TURNS

log = logging.getLogger(__name__)

HISTORY_SOURCE = "history"
TOP_SIZE = 3
# The live log's columns, then what only the export knows: the client's rating of the
# reply and the topic an analyst of the contact centre gave the message.
SCHEMA = (
    SCHEMAS[TURNS]
    .append(pa.field("rating", pa.int16()))
    .append(pa.field("labelled_topic", pa.string()))
)


def replay_session(manager: DialogManager, messages: pd.DataFrame) -> list[dict]:
    """One session's messages, oldest first, through a fresh dialog session."""
    session = manager.new_session(messages["channel"].iloc[0])
    rows = []
    for message in messages.itertuples(index=False):
        reply = manager.reply(session, message.text)
        top = [[label, round(float(p), 4)] for label, p in reply.top[:TOP_SIZE]]
        rows.append(
            {
                "turn_id": message.message_id,
                "session_id": message.session_id,
                "channel": message.channel,
                "turn_index": session.turns,
                "logged_at": message.sent_at,
                # The export is masked already; a replay would strip its <PER>-like marks as tags.
                "masked_text": message.text,
                "label": reply.label,
                "confidence": float(reply.confidence),
                "outcome": reply.outcome,
                "choices": json.dumps([choice.label for choice in reply.choices]),
                "top": json.dumps(top, ensure_ascii=False),
                "source": HISTORY_SOURCE,
                "rating": None if pd.isna(message.rating) else int(message.rating),
                "labelled_topic": None if pd.isna(message.topic) else message.topic,
            }
        )
    return rows


def replay_history(
    manager: DialogManager, messages: pd.DataFrame, progress=lambda items: items
) -> pa.Table:
    """Every session of the cleaned export, replayed; a table in SCHEMA."""
    ordered = messages.sort_values(["session_id", "turn_index"], kind="stable")
    sessions = ordered.groupby("session_id", sort=False)
    rows = []
    for _, session_messages in progress(sessions):
        rows.extend(replay_session(manager, session_messages))
    log.info("replayed %d messages of %d sessions", len(rows), sessions.ngroups)
    return pa.Table.from_pylist(rows, schema=SCHEMA)
