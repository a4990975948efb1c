"""The live chat log: one row per exchange, in a DuckDB file of its own."""

import json
import logging
import os
import threading
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from . import settings
from .dialog import Reply, Session

log = logging.getLogger(__name__)

LIVE_SOURCE = "live"
TOP_SIZE = 3
CHATLOG_ENV = "ASSISTANT_CHATLOG"

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS chat_turns (
    turn_id VARCHAR PRIMARY KEY,
    session_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    turn_index INTEGER NOT NULL,
    logged_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    masked_text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    outcome VARCHAR NOT NULL,
    choices VARCHAR NOT NULL,
    top VARCHAR NOT NULL,
    source VARCHAR NOT NULL
)
"""
INSERT_TURN = """
INSERT INTO chat_turns (turn_id, session_id, channel, turn_index, masked_text, label,
                        confidence, outcome, choices, top, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
RECENT_TURNS = """
SELECT * FROM chat_turns ORDER BY logged_at DESC, turn_index DESC LIMIT ?
"""


def chatlog_path() -> Path:
    """The log file, with ASSISTANT_CHATLOG read now rather than at import."""
    # settings reads the variable once, at import; reading it here lets each test
    # (and each AppTest run) point the app at a file of its own.
    return Path(os.environ.get(CHATLOG_ENV) or settings.CHATLOG_DB)


class ChatLog:
    """Appends turns from many Streamlit sessions through one locked connection."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else chatlog_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # DuckDB lets one process write a file; the app's threads share this
        # connection, and the lock keeps their statements from interleaving.
        self._lock = threading.Lock()
        self._connection = duckdb.connect(str(self.path))
        self._connection.execute(CREATE_TABLE)

    def record(self, session: Session, reply: Reply) -> str | None:
        """Write one exchange and return its turn_id; None if the write failed."""
        turn_id = str(uuid.uuid4())
        try:
            row = turn_row(turn_id, session, reply)
            with self._lock:
                self._connection.execute(INSERT_TURN, row)
        except Exception as error:
            # A lost log row is a pity; a chat that stops answering is worse.
            log.warning(
                "chat log write failed for session %s: %s", session.session_id, error
            )
            return None
        return turn_id

    def recent(self, limit: int = 100) -> pd.DataFrame:
        """The latest turns, newest first."""
        with self._lock:
            return self._connection.execute(RECENT_TURNS, [limit]).df()

    def close(self) -> None:
        """Release the file; a later record() only logs a warning."""
        with self._lock:
            self._connection.close()


def turn_row(turn_id: str, session: Session, reply: Reply) -> list:
    """The INSERT parameters; only the masked text ever reaches the file."""
    choices = [choice.label for choice in reply.choices]
    top = [[label, round(float(score), 4)] for label, score in reply.top[:TOP_SIZE]]
    return [
        turn_id,
        session.session_id,
        session.channel,
        session.turns,
        reply.masked_text,
        reply.label,
        float(reply.confidence),
        reply.outcome,
        json.dumps(choices),
        json.dumps(top, ensure_ascii=False),
        LIVE_SOURCE,
    ]
