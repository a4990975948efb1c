"""The knowledge store: answers, service messages and services from the DuckDB file."""

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from . import settings
from .errors import AssistantError, StoreMissingError, UnknownLabelError

log = logging.getLogger(__name__)

SOURCE_SEPARATOR = ";"
# Small tables the actions read whole; kept in memory beside the answers.
ACTION_TABLES = (
    "offices",
    "settlements",
    "outages",
    "applications",
    "application_statuses",
    "consultation_topics",
    "flow_texts",
    "fee_rules",
    "deadline_rules",
    "slot_words",
    "service_synonyms",
    "staff",
    "settlement_coordinates",
)
# Everything pipelines/build_kb.py writes; a file without one of them is a stale build.
REQUIRED_TABLES = frozenset({"answers", "messages", "services", "topics", "kb_meta",
                             *ACTION_TABLES})
# How often a running app looks for a rebuilt file: one stat() per interval.
REFRESH_SECONDS = 5.0


@dataclass(frozen=True)
class Answer:
    label: str
    text: str
    body: str
    next_step: str
    sources: tuple[str, ...]
    checked_on: date
    confidence: str


@dataclass(frozen=True)
class Service:
    service_id: str
    name: str
    description: str
    price: str
    execution_time: str
    how_to_order: str
    source: str
    checked_on: date
    confidence: str


class UnknownMessageError(AssistantError, KeyError):
    def __init__(self, key: str, known):
        super().__init__(
            f"Unknown message key {key!r}; expected one of {sorted(known)} "
            "from data/kb/messages.csv"
        )


class KnowledgeStore:
    """Answers, messages and services copied into memory from the DuckDB file."""

    def __init__(
        self,
        path: Path = settings.KB_DB,
        check_every: float = REFRESH_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.check_every = check_every
        self._refresh_lock = threading.Lock()
        self._checked_at = time.monotonic()
        # Taken before reading: a rebuild that lands during the load is seen next time.
        self._signature = file_signature(self.path)
        self._load()

    def _load(self) -> None:
        """Read everything, then let go of the file, so build_kb can replace it."""
        connection = connect(self.path)
        try:
            check_tables(connection, self.path)
            answers = load_answers(connection)
            messages = load_messages(connection)
            services = load_services(connection)
            tables = {name: connection.table(name).df() for name in ACTION_TABLES}
            check_coverage(connection, self.path, answers)
        except duckdb.Error as error:
            detail = f"corrupt or incomplete: {error}"
            raise StoreMissingError(self.path, detail) from error
        finally:
            connection.close()
        self._answers, self._messages, self._services = answers, messages, services
        self._tables = tables
        # Views built from the tables (actions/views.py) are rebuilt when this moves.
        self.generation = getattr(self, "generation", 0) + 1

    def refresh_if_changed(self) -> bool:
        """Reload if the file was rebuilt; looks once per check_every seconds."""
        now = time.monotonic()
        if now - self._checked_at < self.check_every:
            return False
        # Another thread is already looking; this reply is served from the current copy.
        if not self._refresh_lock.acquire(blocking=False):
            return False
        try:
            self._checked_at = now
            signature = file_signature(self.path)
            return signature != self._signature and self._reload(signature)
        finally:
            self._refresh_lock.release()

    def _reload(self, signature: tuple | None) -> bool:
        # Kept even when the load fails, so a broken file warns once, not per check.
        self._signature = signature
        try:
            self._load()
        except AssistantError as error:
            log.warning("still serving the previous knowledge store: %s", error)
            return False
        return True

    def answer(self, label: str) -> Answer:
        """The ready-to-show answer of a label; UnknownLabelError if there is none."""
        try:
            return self._answers[label]
        except KeyError:
            raise UnknownLabelError(label, self._answers) from None

    def labels(self) -> set[str]:
        """Every label the store has an answer for."""
        return set(self._answers)

    def message(self, key: str, **values) -> str:
        """A service text of the dialog manager with its {placeholders} filled in."""
        if key not in self._messages:
            raise UnknownMessageError(key, self._messages)
        return self._messages[key].format(**values)

    def services(self) -> list[Service]:
        """The services catalogue in file order."""
        return list(self._services)

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one of ACTION_TABLES as loaded, so callers may filter it freely."""
        if name not in self._tables:
            raise KeyError(f"table {name!r} is not loaded; expected one of {ACTION_TABLES}")
        return self._tables[name].copy()

    def close(self) -> None:
        """Nothing to release: the file is closed after each load; kept for `with`."""

    def __enter__(self) -> "KnowledgeStore":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open read-only, so a running app never locks or changes the file it reads."""
    if not path.is_file():
        raise StoreMissingError(path)
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise StoreMissingError(path, f"corrupt or incomplete: {error}") from error


def file_signature(path: Path) -> tuple | None:
    """What changes when build_kb renames a new file over the old one."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def check_tables(connection, path: Path) -> None:
    names = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    missing = sorted(REQUIRED_TABLES - names)
    if missing:
        detail = f"corrupt or incomplete: missing tables {missing}"
        raise StoreMissingError(path, detail)


def check_coverage(connection, path: Path, answers: dict[str, Answer]) -> None:
    """Every label in the topics table has an answer, or a reply fails mid-dialog."""
    rows = connection.execute("SELECT label FROM topics").fetchall()
    labels = {row[0] for row in rows}
    missing = sorted(labels - set(answers))
    if missing:
        raise StoreMissingError(path, f"corrupt or incomplete: no answer for {missing}")


def load_answers(connection) -> dict[str, Answer]:
    rows = connection.execute(
        "SELECT label, answer, next_step, sources, checked_on, confidence FROM answers"
    ).fetchall()
    return {row[0]: make_answer(*row) for row in rows}


def make_answer(label, body, next_step, sources, checked_on, confidence) -> Answer:
    """The text shown in the chat: the body, a blank line, then the one next step."""
    return Answer(
        label=label,
        text=f"{body}\n\n{next_step}",
        body=body,
        next_step=next_step,
        sources=parse_sources(sources),
        checked_on=checked_on,
        confidence=confidence,
    )


def parse_sources(sources: str | None) -> tuple[str, ...]:
    """'S4; S14' → ('S4', 'S14')."""
    parts = (sources or "").split(SOURCE_SEPARATOR)
    return tuple(part.strip() for part in parts if part.strip())


def load_messages(connection) -> dict[str, str]:
    return dict(connection.execute("SELECT key, text FROM messages").fetchall())


def load_services(connection) -> tuple[Service, ...]:
    fields = ", ".join(Service.__dataclass_fields__)
    # Nulls become empty strings, so the app can show any field without a check.
    query = f"SELECT {fields} FROM services ORDER BY rowid"
    rows = connection.execute(query).fetchall()
    return tuple(
        Service(*(value if value is not None else "" for value in row)) for row in rows
    )
