"""Every turn, historical and live, read once into an in-memory DuckDB table `turns`.

Columns: those of the live log (turn_id, session_id, channel, turn_index, logged_at,
masked_text, label, confidence, outcome, choices, top, source), the client's latest
rating, the Moscow local time, the topic's group and title, the next turn's label
and outcome, whether the turn ended its session, and `reasons` (unresolved.py).
"""

import json
import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from .. import settings
from ..chatlog import chatlog_dir, flush_open_logs
from ..classifier import META_FILE
from ..segments import FEEDBACK, SCHEMAS, TURNS, segment_files
from .history import SCHEMA as HISTORY_SCHEMA
from .unresolved import reasons_sql

log = logging.getLogger(__name__)

HISTORY_ENV = "ASSISTANT_HISTORY_TURNS"
TIMEZONE = "Europe/Moscow"
TURN_COLUMNS = SCHEMAS[TURNS].names

BUILD_TURNS = """
CREATE TABLE turns AS
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
        timezone('{timezone}', logged_at) AS local_time,
        from_json(choices, '["VARCHAR"]') AS choice_labels
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
    return float(json.loads(meta_path.read_text(encoding="utf-8"))["thresholds"]["answer"])


class TurnSnapshot:
    """The turns table as read at `loaded_at`; any thread may query it."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, threshold: float,
                 loaded_at: datetime) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.answer_threshold = threshold
        self.loaded_at = loaded_at

    @classmethod
    def load(cls, chatlog: Path | None = None, history: Path | None = None,
             model_dir: Path = settings.MODEL_DIR) -> "TurnSnapshot":
        """Read the live log folder and the replayed export as they are now."""
        chatlog = Path(chatlog) if chatlog else chatlog_dir()
        history = Path(history) if history else history_path()
        # What this process still holds in memory counts too.
        flush_open_logs(chatlog)
        threshold = answer_threshold(model_dir)
        connection = duckdb.connect()
        register_sources(connection, chatlog, history)
        connection.execute(build_sql(), {"answer_threshold": threshold})
        return cls(connection, threshold, datetime.now(timezone.utc))

    def query(self, sql: str, params: dict | None = None,
              tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
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


def register_sources(connection, chatlog: Path, history: Path) -> None:
    """Views `live`, `feedback`, `history` and `topics`; empty ones where no file is."""
    register_parquet(connection, "live", segment_files(chatlog, TURNS), SCHEMAS[TURNS])
    register_parquet(connection, "feedback", segment_files(chatlog, FEEDBACK),
                     SCHEMAS[FEEDBACK])
    if not history.exists():
        log.warning("no %s: only the live log is shown (run: %s)", history,
                    settings.BUILD_COMMAND)
    files = [history] if history.exists() else []
    register_parquet(connection, "history", files, HISTORY_SCHEMA)
    register_topics(connection)


def register_parquet(connection, name: str, files: list[Path], schema: pa.Schema) -> None:
    if not files:
        connection.register(name, schema.empty_table())
        return
    columns = ", ".join(schema.names)
    # A view takes no prepared parameters: the file names go in as quoted literals.
    listed = ", ".join(sql_string(str(path)) for path in files)
    connection.execute(
        f"CREATE VIEW {name} AS SELECT {columns} "
        f"FROM read_parquet([{listed}], hive_partitioning = false)"
    )


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def register_topics(connection) -> None:
    connection.execute(
        "CREATE TABLE topics AS SELECT label, \"group\" AS topic_group, "
        "title_ru AS topic_title FROM read_csv($path, header = true, all_varchar = true)",
        {"path": str(settings.TOPICS_CSV)},
    )
