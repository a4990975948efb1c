"""Analysts' labels of client messages, kept in a DuckDB file beside the live chat log.

Each call opens the file, does its work and closes it again: the app writes labels
while the export_labels stage reads them, and DuckDB lets one process hold the file
at a time. A call that finds the file busy waits briefly and tries again. Reads open
the file for writing too: within one process DuckDB refuses a read-only connection
beside a writing one, and the app's sessions read and write at once.
"""

import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from . import settings
from .errors import AssistantError
from .guard import MAX_MESSAGE_CHARS
from .labels import all_labels
from .mask import mask_text

log = logging.getLogger(__name__)

SPAM = "spam"
NEW_TOPIC_PREFIX = "new topic:"
# A name for a topic that may join the taxonomy, not a description of it.
NEW_TOPIC_NAME_LENGTH = 100
COLUMNS = ["text", "label", "analyst", "labelled_at", "cluster"]
# Every label ever given stays in the table; the newest one per text counts.
SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS label_order;
CREATE TABLE IF NOT EXISTS labels (
    label_id BIGINT DEFAULT nextval('label_order') PRIMARY KEY,
    text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    analyst VARCHAR NOT NULL,
    labelled_at TIMESTAMPTZ NOT NULL,
    cluster VARCHAR
);
"""
INSERT = """
INSERT INTO labels (text, label, analyst, labelled_at, cluster)
VALUES ($text, $label, $analyst, $labelled_at, $cluster)
"""
LATEST = """
SELECT text, label, analyst, labelled_at, cluster FROM labels
QUALIFY row_number() OVER (PARTITION BY text ORDER BY label_id DESC) = 1
ORDER BY labelled_at, text
"""
# A busy file is tried this many times, waiting longer each time (about 6 s in all).
OPEN_ATTEMPTS = 8
FIRST_WAIT_SECONDS = 0.05
DEFAULT_ANALYST = "analyst"
# The app's sessions share one DuckDB instance per file: two of them creating the table
# at once conflict, so calls of one process take turns; other processes meet the lock.
PROCESS_LOCK = threading.Lock()


class LabelError(AssistantError, ValueError):
    def __init__(self, label):
        super().__init__(
            f"Unknown label {label!r}; expected a topic label from data/topics.csv "
            f"(e.g. {all_labels()[0]!r}), {SPAM!r} or '{NEW_TOPIC_PREFIX} <name>'"
        )


class LabelStoreBusyError(AssistantError):
    def __init__(self, path, error):
        super().__init__(
            f"Labels file {path} stayed locked by another process ({error}); "
            "try again in a moment, or stop the process that holds it"
        )


def labels_db() -> Path:
    """The labels file, with ASSISTANT_LABELS_DB read now rather than at import."""
    return settings.labels_db_from(os.environ)


def check_label(label: str) -> str:
    """The label in its stored form: a topic label, 'spam' or 'new topic: <name>'."""
    cleaned = " ".join(str(label or "").split())
    if cleaned in all_labels():
        return cleaned
    if cleaned.lower() == SPAM:
        return SPAM
    if cleaned.lower().startswith(NEW_TOPIC_PREFIX):
        name = cleaned[len(NEW_TOPIC_PREFIX):].strip()[:NEW_TOPIC_NAME_LENGTH].strip()
        if name:
            return f"{NEW_TOPIC_PREFIX} {name}"
    raise LabelError(label)


def is_topic_label(label: str) -> bool:
    """True for a label of the taxonomy, False for spam and proposed new topics."""
    return label in all_labels()


def storable_text(text: str) -> str:
    """The text as stored: masked, trimmed, no longer than a chat message may be."""
    return mask_text(str(text or "").strip()[:MAX_MESSAGE_CHARS]).strip()


def empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS})
    frame["labelled_at"] = pd.Series(dtype="datetime64[us, UTC]")
    return frame


class LabelStore:
    """Adds analysts' labels and reads the latest label of every text."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else labels_db()

    def add(
        self,
        texts: list[str],
        label: str,
        analyst: str,
        cluster: str | None = None,
    ) -> int:
        """Label every non-empty text; returns how many were stored."""
        stored_label = check_label(label)
        if isinstance(texts, str):
            texts = [texts]
        masked = [storable_text(text) for text in texts]
        masked = list(dict.fromkeys(text for text in masked if text))
        if not masked:
            return 0

        moment = datetime.now(timezone.utc)
        rows = [
            {
                "text": text,
                "label": stored_label,
                "analyst": str(analyst or DEFAULT_ANALYST).strip() or DEFAULT_ANALYST,
                "labelled_at": moment,
                "cluster": None if cluster is None else str(cluster),
            }
            for text in masked
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with PROCESS_LOCK, self._connect() as connection:
            connection.execute(SCHEMA)
            connection.executemany(INSERT, rows)
        return len(rows)

    def frame(self) -> pd.DataFrame:
        """The latest label of every text, oldest first."""
        if not self.path.is_file():
            return empty_frame()
        with PROCESS_LOCK, self._connect() as connection:
            tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
            if "labels" not in tables:
                return empty_frame()
            frame = connection.execute(LATEST).df()
        frame["labelled_at"] = pd.to_datetime(frame["labelled_at"], utc=True)
        return frame[COLUMNS]

    def _connect(self) -> duckdb.DuckDBPyConnection:
        wait = FIRST_WAIT_SECONDS
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return duckdb.connect(str(self.path))
            except duckdb.IOException as error:
                # Another process holds the file for one short call; it lets go soon.
                if attempt == OPEN_ATTEMPTS - 1:
                    raise LabelStoreBusyError(self.path, error) from error
                if attempt == 0:
                    log.warning("labels file %s busy, retrying: %s", self.path, error)
                time.sleep(wait)
                wait *= 2
