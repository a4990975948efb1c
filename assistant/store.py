"""The knowledge store: answers, service messages and services from the DuckDB file."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from . import settings
from .errors import AssistantError, StoreMissingError, UnknownLabelError

# Everything pipelines/build_kb.py writes; a file without one of them is a stale build.
REQUIRED_TABLES = frozenset(
    {
        "answers",
        "messages",
        "services",
        "topics",
        "offices",
        "settlements",
        "outages",
        "applications",
        "kb_meta",
    }
)
SOURCE_SEPARATOR = ";"


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
    """Answers and messages held in memory; the DuckDB file is opened read-only."""

    def __init__(self, path: Path = settings.KB_DB) -> None:
        self.path = Path(path)
        # The connection stays open for the lookup tables (offices, outages, ...);
        # replies themselves only read the dicts loaded here.
        self._connection = connect(self.path)
        try:
            self._load()
        except duckdb.Error as error:
            self._connection.close()
            detail = f"corrupt or incomplete: {error}"
            raise StoreMissingError(self.path, detail) from error
        except BaseException:
            self._connection.close()
            raise

    def _load(self) -> None:
        check_tables(self._connection, self.path)
        self._answers = load_answers(self._connection)
        self._messages = load_messages(self._connection)
        self._services = load_services(self._connection)
        check_coverage(self._connection, self.path, self._answers)

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

    def close(self) -> None:
        """Release the DuckDB file; the loaded texts stay usable."""
        self._connection.close()

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
