"""The live chat log: masked text only, shared by many processes, never breaks a chat.

Each process queues its rows in memory and writes them as new Parquet segments
(see segments.py) every FLUSH_ROWS rows, every FLUSH_SECONDS and on shutdown.
Readers see every segment on disk plus what their own process still holds.
"""

import atexit
import json
import logging
import os
import threading
import time
import uuid
import weakref
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import segments, settings
from .compaction import Compaction, compact_log
from .dialog import Reply, Session
from .errors import AssistantError
from .segments import FEEDBACK, TURNS

log = logging.getLogger(__name__)

LIVE_SOURCE = "live"
TOP_SIZE = 3
CHATLOG_ENV = settings.CHATLOG_DIR_ENV
COLUMNS = segments.SCHEMAS[TURNS].names
# Rows kept in memory while the folder refuses writes; about 10 MB at most.
MAX_QUEUED = 10_000
# Small batches: a segment per message would leave thousands of tiny files a day.
FLUSH_ROWS = 50
FLUSH_SECONDS = 2.0
# A folder that refused a write is tried again this often, not on every message.
RETRY_SECONDS = 5.0
DROPPED_REPORT_EVERY = 1_000
SESSIONS_IN_WARNING = 3
# As in the contact-centre export: 1 the reply helped, -1 it did not.
RATINGS = (1, -1)

RECENT_TURNS = """
SELECT * FROM rows ORDER BY logged_at DESC, turn_index DESC LIMIT $limit
"""
SESSION_TURNS = """
SELECT * FROM rows WHERE session_id = $session ORDER BY turn_index, logged_at
"""
ALL_TURNS = "SELECT * FROM rows ORDER BY logged_at, turn_index"
WRITE_ERRORS = (OSError, pa.ArrowException, duckdb.Error)

OPEN_LOGS: "weakref.WeakSet[ChatLog]" = weakref.WeakSet()


class ChatLogUnavailableError(AssistantError):
    def __init__(self, path, reason):
        super().__init__(
            f"Chat log {path} cannot be written: {reason}. Check that the folder "
            f"exists and this user may write to it, or set {CHATLOG_ENV}"
        )


def chatlog_dir() -> Path:
    """The log folder, with ASSISTANT_CHATLOG_DIR read now rather than at import."""
    # settings reads the variables once, at import; reading them here lets each test
    # (and each AppTest run) point the app at a folder of its own.
    return settings.chatlog_dir_from(os.environ)


# The name from the single-file days; the API and older scripts may still call it.
chatlog_path = chatlog_dir


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ChatLog:
    """Appends turns from many threads as this process's segments; queues meanwhile."""

    def __init__(
        self,
        path: Path | str | None = None,
        retry_seconds: float = RETRY_SECONDS,
        max_queued: int = MAX_QUEUED,
        flush_rows: int = FLUSH_ROWS,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.path = Path(path) if path else chatlog_dir()
        self.retry_seconds = retry_seconds
        self.max_queued = max_queued
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.dropped = 0
        self._lock = threading.Lock()
        # (dataset, row) in the order recorded; written by whichever thread flushes.
        self._queue: list[tuple[str, dict]] = []
        self._last_flush = time.monotonic()
        self._next_attempt = 0.0
        self._last_error: Exception | None = None
        self._closed = False
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        OPEN_LOGS.add(self)

    @property
    def queued(self) -> int:
        """Rows waiting in memory for a segment."""
        with self._lock:
            return len(self._queue)

    def record(self, session: Session, reply: Reply) -> str | None:
        """Log one exchange, now or at the next flush; its turn_id, None if lost."""
        turn_id = str(uuid.uuid4())
        try:
            self._enqueue(TURNS, turn_row(turn_id, session, reply))
        except Exception as error:
            # A lost log row is a pity; a chat that stops answering is worse.
            log.warning(
                "chat log write failed for session %s: %s", session.session_id, error
            )
            return None
        return turn_id

    def record_feedback(self, session_id: str, turn_id: str | None,
                        rating: int) -> str | None:
        """Log a client's rating (1 or -1) of a reply; its feedback_id, None if lost."""
        if rating not in RATINGS:
            raise ValueError(f"expected a rating of 1 or -1, got {rating!r}")
        feedback_id = str(uuid.uuid4())
        row = feedback_row(feedback_id, session_id, turn_id, rating)
        try:
            self._enqueue(FEEDBACK, row)
        except Exception as error:
            log.warning("chat feedback lost for session %s: %s", session_id, error)
            return None
        return feedback_id

    def flush(self) -> bool:
        """Write what waits in memory now; True if nothing is left waiting."""
        with self._lock:
            return self._flush()

    def connect(self) -> None:
        """Check now, whatever the retry interval, that the folder takes segments."""
        with self._lock:
            self._next_attempt = 0.0
            try:
                segments.check_writable(self.path)
            except OSError as error:
                raise ChatLogUnavailableError(self.path, error) from error
            if not self._flush():
                raise ChatLogUnavailableError(self.path, self._last_error)

    def recent(self, limit: int = 100) -> pd.DataFrame:
        """The latest turns of every process, newest first."""
        return self._read(RECENT_TURNS, {"limit": limit})

    def read_turns(self, session_id: str) -> pd.DataFrame:
        """One session's turns from every process, in dialog order."""
        return self._read(SESSION_TURNS, {"session": session_id})

    def read_feedback(self) -> pd.DataFrame:
        """Every rating logged, oldest first."""
        flush_open_logs(self.path)
        with self._lock:
            pending = self._pending(FEEDBACK)
        sql = "SELECT * FROM rows ORDER BY logged_at"
        return segments.query(self.path, FEEDBACK, sql, {}, pending)

    def delete_session(self, session_id: str) -> int:
        """Forget one session's turns and ratings everywhere; the turns deleted."""
        moment = utc_now()
        with self._lock:
            queued = self._drop_queued(lambda row: row["session_id"] == session_id)
        try:
            # Marked before the scan: a segment another process renames into place
            # after this mark is cleaned by its writer, one renamed before is found.
            segments.mark_deleted(self.path, session_id, moment)
            with segments.rewrite_lock(self.path):
                segments.delete_session_rows(self.path, FEEDBACK, session_id, moment)
                return queued + segments.delete_session_rows(
                    self.path, TURNS, session_id, moment
                )
        except WRITE_ERRORS as error:
            raise ChatLogUnavailableError(self.path, error) from error

    def delete_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete turns logged more than `days` days before now; returns the count."""
        cutoff = (now or utc_now()) - timedelta(days=days)
        with self._lock:
            queued = self._drop_queued(lambda row: row["logged_at"] < cutoff)
        try:
            with segments.rewrite_lock(self.path):
                segments.delete_before(self.path, FEEDBACK, cutoff)
                deleted = segments.delete_before(self.path, TURNS, cutoff)
                segments.prune_deletions(self.path, cutoff)
        except WRITE_ERRORS as error:
            raise ChatLogUnavailableError(self.path, error) from error
        return queued + deleted

    def compact(self, now: datetime | None = None) -> Compaction:
        """Merge each day before today (UTC) into one file per dataset."""
        try:
            return compact_log(self.path, now or utc_now())
        except WRITE_ERRORS as error:
            raise ChatLogUnavailableError(self.path, error) from error

    def close(self) -> None:
        """Write what is queued if the folder allows; later records are refused."""
        self._stop.set()
        with self._lock:
            if self._closed:
                return
            self._next_attempt = 0.0
            if not self._flush():
                unwritten = len(self._queue)
                log.warning("chat log %s closed, %d rows lost", self.path, unwritten)
            self._closed = True

    def _enqueue(self, dataset: str, row: dict) -> None:
        with self._lock:
            if self._closed:
                raise ChatLogUnavailableError(self.path, "closed")
            self._queue.append((dataset, row))
            self._start_flusher()
            if self._due():
                self._flush()
            self._trim_queue()

    def _due(self) -> bool:
        waited = time.monotonic() - self._last_flush
        return len(self._queue) >= self.flush_rows or waited >= self.flush_seconds

    def _start_flusher(self) -> None:
        # Rows of a quiet hour must not wait for the next message to reach disk.
        if self._flusher is None:
            self._flusher = threading.Thread(
                target=self._flush_periodically, name="chatlog-flush", daemon=True
            )
            self._flusher.start()

    def _flush_periodically(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()

    def _flush(self) -> bool:
        """Write every queued row, or keep the rest queued; True if none waits."""
        if not self._queue:
            return True
        if time.monotonic() < self._next_attempt:
            return False
        self._last_flush = time.monotonic()
        try:
            for dataset, day in batch_keys(self._queue):
                self._write_batch(dataset, day)
        except WRITE_ERRORS as error:
            self._next_attempt = time.monotonic() + self.retry_seconds
            self._report_unavailable(error)
            return False
        self._report_recovered()
        return True

    def _write_batch(self, dataset: str, day: str) -> None:
        """One segment of one day; its rows leave the queue once it is in place."""
        in_batch = [batch_key(item) == (dataset, day) for item in self._queue]
        rows = [row for (_, row), chosen in zip(self._queue, in_batch) if chosen]
        marks = segments.deletions(self.path, [row["session_id"] for row in rows])
        kept = [row for row in rows if not segments.is_deleted(row, marks)]
        if kept:
            written = segments.write_segment(self.path, dataset, day, kept)
            self._settle_late_deletions(written, kept)
        self._queue = [item for item, in_it in zip(self._queue, in_batch) if not in_it]

    def _settle_late_deletions(self, written: Path, rows: list[dict]) -> None:
        # A deletion in another process may have scanned the folder between the check
        # above and the rename; its mark is already on disk, so this check catches it.
        marks = segments.deletions(self.path, [row["session_id"] for row in rows])
        if any(segments.is_deleted(row, marks) for row in rows):
            with segments.rewrite_lock(self.path):
                segments.rewrite_segment(written, segments.deleted_mask(marks))

    def _read(self, sql: str, params: dict) -> pd.DataFrame:
        # What this process logged is visible to its own readers at once.
        flush_open_logs(self.path)
        with self._lock:
            pending = self._pending(TURNS)
        return segments.query(self.path, TURNS, sql, params, pending)

    def _pending(self, dataset: str) -> list[dict]:
        return [row for name, row in self._queue if name == dataset]

    def _drop_queued(self, matches) -> int:
        """Remove the matching queued rows; the turns among them."""
        dropped = [(name, row) for name, row in self._queue if matches(row)]
        self._queue = [(name, row) for name, row in self._queue if not matches(row)]
        return sum(name == TURNS for name, _ in dropped)

    def _trim_queue(self) -> None:
        """Keep the newest max_queued rows; memory must not grow without end."""
        excess = len(self._queue) - self.max_queued
        if excess <= 0:
            return
        del self._queue[:excess]
        # The first drop, then once per DROPPED_REPORT_EVERY more.
        before = -1 if self.dropped == 0 else self.dropped // DROPPED_REPORT_EVERY
        self.dropped += excess
        if self.dropped // DROPPED_REPORT_EVERY != before:
            log.warning(
                "chat log %s unavailable, queue full: %d oldest rows dropped",
                self.path,
                self.dropped,
            )

    def _report_unavailable(self, error: Exception) -> None:
        # Once per outage: a folder refusing writes for hours must not flood the log.
        if self._last_error is None:
            sessions = list(dict.fromkeys(row["session_id"] for _, row in self._queue))
            log.warning(
                "chat log %s unavailable, keeping up to %d rows in memory "
                "(%d queued, sessions %s): %s",
                self.path,
                self.max_queued,
                len(self._queue),
                ", ".join(sessions[:SESSIONS_IN_WARNING]),
                error,
            )
        self._last_error = error

    def _report_recovered(self) -> None:
        if self._last_error is not None:
            log.warning("chat log %s available again, queued rows written", self.path)
            self._last_error = None


def batch_key(item: tuple[str, dict]) -> tuple[str, str]:
    """(dataset, day): the segment a queued row goes to."""
    return item[0], segments.day_of(item[1]["logged_at"])


def batch_keys(queue: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    """The segments the queue fills, each once, in the order first queued."""
    return list(dict.fromkeys(batch_key(item) for item in queue))


def flush_open_logs(path: Path | None = None) -> None:
    """Write what every ChatLog of this process holds for the folder (all if None)."""
    for chat_log in list(OPEN_LOGS):
        if path is None or chat_log.path == Path(path):
            chat_log.flush()


def close_open_logs() -> None:
    """Flush and close every ChatLog of this process; run at interpreter exit."""
    for chat_log in list(OPEN_LOGS):
        chat_log.close()


atexit.register(close_open_logs)


def read_log(path: Path | str | None = None) -> pd.DataFrame:
    """Every logged turn under the folder, oldest first, for analysts and tests."""
    root = Path(path) if path else chatlog_dir()
    flush_open_logs(root)
    return segments.query(root, TURNS, ALL_TURNS, {})


def turn_row(turn_id: str, session: Session, reply: Reply) -> dict:
    """One row of chat_turns; only the masked text ever reaches disk."""
    choices = [choice.label for choice in reply.choices]
    top = [[label, round(float(score), 4)] for label, score in reply.top[:TOP_SIZE]]
    values = [
        turn_id,
        storable(session.session_id),
        storable(session.channel),
        session.turns,
        # Stamped now, not at write: a row that waited in memory keeps its real time.
        utc_now(),
        storable(reply.masked_text),
        storable(reply.label),
        float(reply.confidence),
        storable(reply.outcome),
        json.dumps(choices),
        storable(json.dumps(top, ensure_ascii=False)),
        LIVE_SOURCE,
    ]
    return dict(zip(COLUMNS, values, strict=True))


def feedback_row(feedback_id: str, session_id: str, turn_id: str, rating: int) -> dict:
    return {
        "feedback_id": feedback_id,
        "session_id": storable(session_id),
        "turn_id": storable(turn_id),
        "rating": int(rating),
        "logged_at": utc_now(),
    }


def storable(text: str) -> str:
    """Text Parquet accepts: a lone surrogate would fail the whole queued batch."""
    return str(text).encode("utf-8", "replace").decode("utf-8")
