"""Every turn, historical and live, in an in-memory DuckDB table `turns`.

The live log's segments are read once; a refresh reads only the segments added or
rewritten since, then rebuilds `turns` (see SegmentCache).

Columns: those of the live log (turn_id, session_id, channel, turn_index, logged_at,
masked_text, label, confidence, outcome, choices, top, source), the client's latest
rating, the Moscow local time, the topic's group and title, the next turn's label
and outcome, whether the turn ended its session, and `reasons` (unresolved.py).
"""

import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from .. import settings
from ..chatlog import chatlog_dir, flush_open_logs
from ..classifier import META_FILE
from ..segments import FEEDBACK, READ_ATTEMPTS, SCHEMAS, TURNS, segment_files
from .history import SCHEMA as HISTORY_SCHEMA
from .unresolved import reasons_sql

log = logging.getLogger(__name__)

HISTORY_ENV = "ASSISTANT_HISTORY_TURNS"
TIMEZONE = "Europe/Moscow"
TURN_COLUMNS = SCHEMAS[TURNS].names

BUILD_TURNS = """
CREATE OR REPLACE TABLE turns AS
WITH live_ratings AS (
    SELECT turn_id, arg_max(rating, logged_at) AS rating
    FROM feedback WHERE turn_id IS NOT NULL GROUP BY turn_id
), combined AS (
    SELECT {history_columns}, rating FROM history
    UNION ALL
    SELECT {live_columns}, live_ratings.rating
    FROM live LEFT JOIN live_ratings USING (turn_id)
), ordered AS (
    SELECT combined.*,
        lead(label) OVER session_turns AS next_label,
        lead(outcome) OVER session_turns AS next_outcome,
        lead(turn_id) OVER session_turns IS NULL AS last_in_session,
        timezone('{timezone}', logged_at) AS local_time
    FROM combined
    WINDOW session_turns AS (PARTITION BY source, session_id ORDER BY turn_index, logged_at)
)
SELECT ordered.*, topics.topic_group, topics.topic_title, {reasons} AS reasons
FROM ordered LEFT JOIN topics USING (label)
"""


def history_path() -> Path:
    """The replayed export; ASSISTANT_HISTORY_TURNS points elsewhere (tests, bench)."""
    named = os.environ.get(HISTORY_ENV)
    return Path(named) if named else settings.HISTORY_TURNS


def answer_threshold(model_dir: Path = settings.MODEL_DIR) -> float:
    """The answer cut-off stored with the model; 0.5 when no model is built yet."""
    meta_path = model_dir / META_FILE
    if not meta_path.exists():
        log.warning("no %s: unresolved turns use an answer threshold of 0.5", meta_path)
        return 0.5
    return float(
        json.loads(meta_path.read_text(encoding="utf-8"))["thresholds"]["answer"]
    )


class SegmentCache:
    """One dataset's segment rows in a table, with the file each came from.

    Segments are only added, rewritten in place by a deletion (a new size or mtime),
    removed, or replaced by a day's compacted file (one added, those it merged gone from
    the listing); only those changes are read again."""

    def __init__(self, connection, table: str, schema: pa.Schema) -> None:
        self.connection = connection
        self.table = table
        self.columns = ", ".join(schema.names)
        self.seen: dict[str, tuple[int, int]] = {}
        connection.register(f"{table}_empty", schema.empty_table())
        connection.execute(
            f"CREATE TABLE {table} AS SELECT ''::VARCHAR AS file, * FROM {table}_empty "
            "LIMIT 0"
        )

    def sync(self, list_files: Callable[[], list[Path]]) -> None:
        """Make the table hold exactly the rows of the listed files as they are now."""
        for attempt in range(READ_ATTEMPTS):
            try:
                return self._sync_once(list_files())
            except (duckdb.IOException, FileNotFoundError):
                # A deletion or a compaction renamed or removed a segment meanwhile; the
                # files that replace it are only in a new listing.
                if attempt == READ_ATTEMPTS - 1:
                    raise

    def _sync_once(self, files: list[Path]) -> None:
        current = {str(path): file_signature(path) for path in files}
        stale = [name for name, mark in self.seen.items() if current.get(name) != mark]
        fresh = [name for name, mark in current.items() if self.seen.get(name) != mark]
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN TRANSACTION")
            if stale:
                cursor.execute(
                    f"DELETE FROM {self.table} WHERE list_contains($files, file)",
                    {"files": stale},
                )
            if fresh:
                cursor.execute(
                    f"INSERT INTO {self.table} SELECT filename AS file, {self.columns} "
                    "FROM read_parquet($files, filename = true, hive_partitioning = false)",
                    {"files": fresh},
                )
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()
        self.seen = current


def file_signature(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


class TurnSnapshot:
    """The turns table as last refreshed (`loaded_at`); any thread may query it."""

    def __init__(
        self, chatlog: Path, history: Path, model_dir: Path = settings.MODEL_DIR
    ) -> None:
        self.chatlog = Path(chatlog)
        self.history = Path(history)
        self.answer_threshold = answer_threshold(model_dir)
        self.loaded_at: datetime | None = None
        self._history_reported = False
        self._connection = duckdb.connect()
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._live = SegmentCache(self._connection, "live", SCHEMAS[TURNS])
        self._feedback = SegmentCache(self._connection, "feedback", SCHEMAS[FEEDBACK])
        # A table, not a registered view: cursors of other threads see tables only.
        self._connection.register("history_schema", HISTORY_SCHEMA.empty_table())
        self._connection.execute("CREATE TABLE history_empty AS FROM history_schema")
        register_topics(self._connection)

    @classmethod
    def load(
        cls,
        chatlog: Path | str | None = None,
        history: Path | str | None = None,
        model_dir: Path = settings.MODEL_DIR,
    ) -> "TurnSnapshot":
        """Read the live log folder and the replayed export as they are now."""
        snapshot = cls(
            Path(chatlog) if chatlog else chatlog_dir(),
            Path(history) if history else history_path(),
            model_dir,
        )
        snapshot.refresh()
        return snapshot

    def refresh(self) -> None:
        """Read what changed in the log folder, then rebuild `turns`."""
        with self._refresh_lock:
            # What this process still holds in memory counts too.
            flush_open_logs(self.chatlog)
            self._live.sync(partial(segment_files, self.chatlog, TURNS))
            self._feedback.sync(partial(segment_files, self.chatlog, FEEDBACK))
            with self._lock:
                cursor = self._connection.cursor()
            try:
                self._report_missing_history()
                load_history(cursor, self.history)
                cursor.execute(build_sql(), {"answer_threshold": self.answer_threshold})
            finally:
                cursor.close()
            self.loaded_at = datetime.now(timezone.utc)

    def _report_missing_history(self) -> None:
        # Once per snapshot: a refresh a minute must not repeat it all day.
        if not self.history.exists() and not self._history_reported:
            log.warning(
                "no %s: only the live log is shown (run: %s)",
                self.history,
                settings.BUILD_COMMAND,
            )
            self._history_reported = True

    def age_seconds(self) -> float:
        return (datetime.now(timezone.utc) - self.loaded_at).total_seconds()

    def query(
        self,
        sql: str,
        params: dict | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
    ) -> pd.DataFrame:
        """Run SQL over `turns`, `topics` and the given small tables; a cursor per call."""
        with self._lock:
            cursor = self._connection.cursor()
        try:
            for name, frame in (tables or {}).items():
                cursor.register(name, frame)
            return cursor.execute(sql, params or {}).df()
        finally:
            cursor.close()

    def count(self) -> int:
        return int(self.query("SELECT count(*) AS n FROM turns")["n"].iloc[0])

    def close(self) -> None:
        self._connection.close()


def build_sql() -> str:
    live_columns = ", ".join(f"live.{column}" for column in TURN_COLUMNS)
    return BUILD_TURNS.format(
        history_columns=", ".join(TURN_COLUMNS),
        live_columns=live_columns,
        timezone=TIMEZONE,
        reasons=reasons_sql(),
    )


def load_history(cursor, history: Path) -> None:
    """The replayed export as a table; an empty one until the stage has run."""
    if history.exists():
        cursor.execute(
            f"CREATE OR REPLACE TABLE history AS SELECT {', '.join(HISTORY_SCHEMA.names)} "
            f"FROM read_parquet({sql_string(str(history))})"
        )
        return
    cursor.execute("CREATE OR REPLACE TABLE history AS SELECT * FROM history_empty")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def register_topics(connection) -> None:
    connection.execute(
        'CREATE TABLE topics AS SELECT label, "group" AS topic_group, '
        "title_ru AS topic_title FROM read_csv($path, header = true, all_varchar = true)",
        {"path": str(settings.TOPICS_CSV)},
    )
