"""The live chat log: one row per exchange, in a DuckDB file of its own."""

import json
import logging
import os
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd

from . import settings
from .dialog import Reply, Session
from .errors import AssistantError

log = logging.getLogger(__name__)

LIVE_SOURCE = "live"
TOP_SIZE = 3
CHATLOG_ENV = "ASSISTANT_CHATLOG"
# Rows kept in memory while another process holds the file; about 10 MB at most.
MAX_QUEUED = 10_000
# A locked file is tried again this often, not on every message.
RETRY_SECONDS = 5.0
DROPPED_REPORT_EVERY = 1_000

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
COLUMNS = [
    "turn_id",
    "session_id",
    "channel",
    "turn_index",
    "logged_at",
    "masked_text",
    "label",
    "confidence",
    "outcome",
    "choices",
    "top",
    "source",
]
# OR IGNORE: a batch retried after a commit whose answer was lost is not written twice.
INSERT_TURN = f"""
INSERT OR IGNORE INTO chat_turns ({", ".join(COLUMNS)})
VALUES ({", ".join("?" * len(COLUMNS))})
"""
# A backlog goes in as one frame: executemany takes seconds per thousand rows.
INSERT_QUEUED = f"""
INSERT OR IGNORE INTO chat_turns ({", ".join(COLUMNS)}) SELECT * FROM queued_rows
"""
RECENT_TURNS = """
SELECT * FROM chat_turns ORDER BY logged_at DESC, turn_index DESC LIMIT ?
"""
DELETE_SESSION = "DELETE FROM chat_turns WHERE session_id = ?"
DELETE_OLDER = "DELETE FROM chat_turns WHERE logged_at < ?"
SESSION_COLUMN = COLUMNS.index("session_id")


class ChatLogUnavailableError(AssistantError):
    def __init__(self, path, reason):
        super().__init__(
            f"Chat log {path} cannot be opened for writing: {reason}. DuckDB lets "
            "one process write a file; close the notebook, app or script holding it"
        )


def chatlog_path() -> Path:
    """The log file, with ASSISTANT_CHATLOG read now rather than at import."""
    # settings reads the variable once, at import; reading it here lets each test
    # (and each AppTest run) point the app at a file of its own.
    return Path(os.environ.get(CHATLOG_ENV) or settings.CHATLOG_DB)


class ChatLog:
    """Appends turns from many threads through one connection; queues while locked."""

    def __init__(
        self,
        path: Path | str | None = None,
        retry_seconds: float = RETRY_SECONDS,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        self.path = Path(path) if path else chatlog_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.retry_seconds = retry_seconds
        self.max_queued = max_queued
        self.dropped = 0
        # DuckDB lets one process write a file; the app's threads share this
        # connection, and the lock keeps their statements from interleaving.
        self._lock = threading.Lock()
        # Opened on first use: a file held by another process must not fail the app.
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._queue: deque[list] = deque()
        self._forgotten: set[str] = set()
        self._next_attempt = 0.0
        self._last_error: Exception | None = None
        self._closed = False

    @property
    def queued(self) -> int:
        """Rows waiting in memory for the file."""
        with self._lock:
            return len(self._queue)

    def record(self, session: Session, reply: Reply) -> str | None:
        """Log one exchange, now or once the file is free; its turn_id, None if lost."""
        turn_id = str(uuid.uuid4())
        try:
            row = turn_row(turn_id, session, reply)
            with self._lock:
                if self._closed:
                    raise ChatLogUnavailableError(self.path, "closed")
                self._queue.append(row)
                if self._flush() is None:
                    self._trim_queue()
        except Exception as error:
            # A lost log row is a pity; a chat that stops answering is worse.
            log.warning(
                "chat log write failed for session %s: %s", session.session_id, error
            )
            return None
        return turn_id

    def flush(self) -> bool:
        """Write what waits in memory now; True if nothing is left waiting."""
        with self._lock:
            return self._flush() is not None

    def connect(self) -> None:
        """Open the file now, whatever the retry interval; raise if it stays locked."""
        with self._lock:
            self._require_connection()

    def delete_session(self, session_id: str) -> int:
        """Forget one session's rows; a locked file is cleaned at the next flush."""
        with self._lock:
            queued = self._drop_queued(session_id)
            self._forgotten.add(session_id)
            deleted = self._flush()
        return queued + (deleted or 0)

    def delete_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete rows logged more than `days` days before now; returns the count."""
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        with self._lock:
            connection = self._require_connection()
            return connection.execute(DELETE_OLDER, [cutoff]).fetchone()[0]

    def recent(self, limit: int = 100) -> pd.DataFrame:
        """The latest turns, newest first."""
        with self._lock:
            return self._require_connection().execute(RECENT_TURNS, [limit]).df()

    def close(self) -> None:
        """Write what is queued if the file allows, then release it."""
        with self._lock:
            self._next_attempt = 0.0
            if self._flush() is None:
                log.warning(
                    "chat log %s closed with %d rows and %d deletions unwritten",
                    self.path,
                    len(self._queue),
                    len(self._forgotten),
                )
            self._closed = True
            self._disconnect()

    def _trim_queue(self) -> None:
        """Keep the newest max_queued rows; memory must not grow without end."""
        while len(self._queue) > self.max_queued:
            self._queue.popleft()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % DROPPED_REPORT_EVERY == 0:
                log.warning(
                    "chat log %s unavailable, queue full: %d oldest rows dropped",
                    self.path,
                    self.dropped,
                )

    def _drop_queued(self, session_id: str) -> int:
        kept = [row for row in self._queue if row[SESSION_COLUMN] != session_id]
        dropped = len(self._queue) - len(kept)
        self._queue.clear()
        self._queue.extend(kept)
        return dropped

    def _flush(self) -> int | None:
        """Rows deleted from the file, or None if anything still waits in memory."""
        if not self._queue and not self._forgotten:
            return 0
        if not self._connect():
            return None
        try:
            deleted = self._write(sorted(self._forgotten), list(self._queue))
        except duckdb.Error as error:
            self._lose_connection(error)
            return None
        self._queue.clear()
        self._forgotten.clear()
        return deleted

    def _write(self, forgotten: list[str], rows: list[list]) -> int:
        """One transaction, so a failed batch leaves the file as it was."""
        connection = self._connection
        connection.begin()
        try:
            deleted = sum(
                connection.execute(DELETE_SESSION, [session_id]).fetchone()[0]
                for session_id in forgotten
            )
            insert_rows(connection, rows)
            connection.commit()
        except duckdb.Error:
            rollback(connection)
            raise
        return deleted

    def _connect(self) -> bool:
        """Open the file unless it is open, or was tried too recently."""
        if self._connection is not None:
            return True
        if self._closed or time.monotonic() < self._next_attempt:
            return False
        self._next_attempt = time.monotonic() + self.retry_seconds
        try:
            self._open()
        except (duckdb.Error, OSError) as error:
            self._report_unavailable(error)
            return False
        return True

    def _open(self) -> None:
        self._connection = open_file(self.path)
        if self._last_error is not None:
            log.warning(
                "chat log %s available again, writing %d queued rows",
                self.path,
                len(self._queue),
            )
            self._last_error = None

    def _require_connection(self) -> duckdb.DuckDBPyConnection:
        """The connection with nothing left queued, for callers that cannot wait."""
        if self._closed:
            raise ChatLogUnavailableError(self.path, "closed")
        try:
            if self._connection is None:
                self._open()
        except (duckdb.Error, OSError) as error:
            raise ChatLogUnavailableError(self.path, error) from error
        if self._flush() is None:
            raise ChatLogUnavailableError(self.path, self._last_error)
        return self._connection

    def _lose_connection(self, error: Exception) -> None:
        self._disconnect()
        self._next_attempt = time.monotonic() + self.retry_seconds
        self._report_unavailable(error)

    def _report_unavailable(self, error: Exception) -> None:
        # Once per outage: a notebook holding the file for hours must not flood the log.
        if self._last_error is None:
            log.warning(
                "chat log %s unavailable, keeping up to %d rows in memory: %s",
                self.path,
                self.max_queued,
                error,
            )
        self._last_error = error

    def _disconnect(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except duckdb.Error:
                pass
            self._connection = None


def open_file(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection with the table in place."""
    connection = duckdb.connect(str(path))
    try:
        connection.execute(CREATE_TABLE)
    except duckdb.Error:
        connection.close()
        raise
    return connection


def insert_rows(connection, rows: list[list]) -> None:
    if len(rows) == 1:
        connection.execute(INSERT_TURN, rows[0])
    elif rows:
        connection.register("queued_rows", pd.DataFrame(rows, columns=COLUMNS))
        connection.execute(INSERT_QUEUED)
        connection.unregister("queued_rows")


def rollback(connection) -> None:
    try:
        connection.rollback()
    except duckdb.Error:
        # Nothing to roll back when the failure ended the transaction already.
        pass


def turn_row(turn_id: str, session: Session, reply: Reply) -> list:
    """The INSERT parameters; only the masked text ever reaches the file."""
    choices = [choice.label for choice in reply.choices]
    top = [[label, round(float(score), 4)] for label, score in reply.top[:TOP_SIZE]]
    return [
        turn_id,
        storable(session.session_id),
        storable(session.channel),
        session.turns,
        # Stamped now, not at insert: a row that waited in memory keeps its real time.
        datetime.now(timezone.utc),
        storable(reply.masked_text),
        storable(reply.label),
        float(reply.confidence),
        storable(reply.outcome),
        json.dumps(choices),
        storable(json.dumps(top, ensure_ascii=False)),
        LIVE_SOURCE,
    ]


def storable(text: str) -> str:
    """Text DuckDB accepts: a lone surrogate would fail the whole queued batch."""
    return str(text).encode("utf-8", "replace").decode("utf-8")
