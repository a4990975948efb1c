"""DVC stage build_kb: knowledge-base CSVs → one validated DuckDB file the app reads."""

import argparse
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import great_expectations.expectations as gxe
import pandas as pd

from assistant import settings
from assistant.action_checks import ACTION_TEXT_SOURCES, action_suites, cited_keys
from assistant.checks import (
    DATE_FORMAT,
    SOURCE_KEYS,
    SOURCE_SEPARATOR,
    dump_result,
    failed_expectations,
    load_result,
    run_suite,
    text_expectations,
)
from assistant.logs import setup_logging

log = logging.getLogger("build_kb")

VALIDATION_DIR = settings.PROCESSED_DIR / "kb_validation"

# Curated texts are read as strings: pandas must not turn "NA" or "0012" into anything.
TEXT_SOURCES = {
    "answers": "answers.csv",
    "messages": "messages.csv",
    "services": "services.csv",
    "sources": "sources.csv",
    "application_statuses": "application_statuses.csv",
    "consultation_topics": "consultation_topics.csv",
    **ACTION_TEXT_SOURCES,
}
# Texts of the actions (outages, statuses, offices, booking), kept apart from the dialog
# manager's own messages; both land in the one messages table.
EXTRA_MESSAGE_FILES = ("action_messages.csv",)
# Snapshots keep DuckDB's type detection (timestamps, counts); ids and phone digits stay
# text, or "0123" would lose its leading zero.
SNAPSHOT_SOURCES = {
    "offices": ("offices_sample.csv", {"office_id": "VARCHAR", "hours": "VARCHAR"}),
    "settlements": ("settlements.csv", {"settlement": "VARCHAR"}),
    "outages": (
        "outages_snapshot.csv",
        {
            "outage_id": "VARCHAR",
            "addresses": "VARCHAR",
            "starts_at": "TIMESTAMPTZ",
            "ends_at": "TIMESTAMPTZ",
            "ends_at_is_estimate": "BOOLEAN",
            "snapshot_at": "TIMESTAMPTZ",
        },
    ),
    "applications": (
        "applications_snapshot.csv",
        {
            "application_no": "VARCHAR",
            "phone_last4": "VARCHAR",
            "power_kw": "DOUBLE",
            "status_changed_at": "DATE",
            "snapshot_at": "TIMESTAMPTZ",
        },
    ),
}
DATE_COLUMNS = {"answers": "checked_on", "services": "checked_on"}
# Checked as text (the pattern of a decimal degree), served as numbers.
DOUBLE_COLUMNS = {"settlement_coordinates": ("latitude", "longitude")}

ANSWER_COLUMNS = ["label", "answer", "next_step", "sources", "checked_on", "confidence"]
MESSAGE_COLUMNS = ["key", "text"]
SERVICE_COLUMNS = [
    "service_id",
    "name",
    "description",
    "price",
    "execution_time",
    "how_to_order",
    "source",
    "checked_on",
    "confidence",
]
# The dialog manager asks for these keys; a missing one would break a reply at run time.
REQUIRED_MESSAGE_KEYS = [
    "fallback",
    "clarify",
    "clarify_unknown_choice",
    "empty_message",
    "emoji_only",
    "numbers_only",
    "too_long",
    "markup_only",
    "not_russian",
    "handoff",
    "privacy_notice",
    "error",
    "welcome",
    "data_deleted",
    "flow_cancelled",
]
STATUS_COLUMNS = ["kinds", "status", "next_step", "working_days", "max_power_kw", "sources"]
CONSULTATION_TOPIC_COLUMNS = ["topic", "title"]
MAX_ANSWER_LENGTH = 1200


class KbValidationError(Exception):
    def __init__(self, failed: list[str], validation_dir: Path):
        super().__init__(
            f"Knowledge-base sources failed {len(failed)} checks: {failed}. "
            f"Fix the CSVs in data/kb; details in {validation_dir}"
        )


def read_text_source(path: Path) -> pd.DataFrame:
    """A curated CSV as strings; empty cells become nulls, Windows line ends go."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, na_values=[""])
    # An edit on Windows leaves "\r\n" inside quoted cells; the chat shows only "\n".
    return frame.apply(lambda column: column.str.replace("\r\n", "\n", regex=False))


def read_messages(sources_dir: Path) -> pd.DataFrame:
    """The dialog manager's messages and the actions' texts as one table."""
    files = [TEXT_SOURCES["messages"], *EXTRA_MESSAGE_FILES]
    parts = [read_text_source(sources_dir / file) for file in files]
    return pd.concat(parts, ignore_index=True)


def read_topics(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def answer_expectations(labels: list[str]) -> list:
    """Every label answered once, short enough for a chat bubble, dated, sourced."""
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=ANSWER_COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToBeUnique(column="label"),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="label", value_set=labels),
        *text_expectations("answer"),
        *text_expectations("next_step"),
        gxe.ExpectColumnValueLengthsToBeBetween(
            column="answer",
            min_value=1,
            max_value=MAX_ANSWER_LENGTH,
        ),
        gxe.ExpectColumnValuesToMatchRegex(column="sources", regex=SOURCE_KEYS),
        gxe.ExpectColumnValuesToNotBeNull(column="checked_on"),
        gxe.ExpectColumnValuesToMatchStrftimeFormat(
            column="checked_on",
            strftime_format=DATE_FORMAT,
        ),
        # Low-confidence facts may not be asserted, so no answer may rest on them.
        gxe.ExpectColumnValuesToBeInSet(column="confidence", value_set=["H", "M"]),
    ]


def message_expectations() -> list:
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=MESSAGE_COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToNotBeNull(column="key"),
        gxe.ExpectColumnValuesToBeUnique(column="key"),
        gxe.ExpectColumnDistinctValuesToContainSet(
            column="key",
            value_set=REQUIRED_MESSAGE_KEYS,
        ),
        *text_expectations("text"),
    ]


def service_expectations() -> list:
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=SERVICE_COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToNotBeNull(column="service_id"),
        gxe.ExpectColumnValuesToBeUnique(column="service_id"),
        *text_expectations("name"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="name", min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="price"),
        gxe.ExpectColumnValuesToNotBeNull(column="checked_on"),
        gxe.ExpectColumnValuesToMatchStrftimeFormat(
            column="checked_on",
            strftime_format=DATE_FORMAT,
        ),
        gxe.ExpectColumnValuesToBeInSet(column="confidence", value_set=["H", "M", "L"]),
    ]


def status_expectations() -> list:
    """Every status has a next step; a deadline, when given, is a count of days."""
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=STATUS_COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToNotBeNull(column="kinds"),
        gxe.ExpectColumnValuesToNotBeNull(column="status"),
        *text_expectations("next_step"),
        gxe.ExpectColumnValuesToMatchRegex(column="working_days", regex=r"^\d{1,3}$"),
        gxe.ExpectColumnValuesToMatchRegex(column="max_power_kw", regex=r"^\d+$"),
        gxe.ExpectColumnValuesToMatchRegex(column="sources", regex=SOURCE_KEYS),
    ]


def consultation_topic_expectations() -> list:
    return [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=CONSULTATION_TOPIC_COLUMNS,
            exact_match=True,
        ),
        gxe.ExpectColumnValuesToBeUnique(column="topic"),
        *text_expectations("title"),
    ]


def source_reference_frame(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per source key an answer cites, to check each key is in sources.csv."""
    keys = answers["sources"].fillna("").str.split(SOURCE_SEPARATOR).explode().str.strip()
    return pd.DataFrame({"label": answers.loc[keys.index, "label"], "source_key": keys})


def citation_expectations(known_keys: list[str]) -> list:
    return [gxe.ExpectColumnValuesToBeInSet(column="source_key", value_set=known_keys)]


def sources_expectations() -> list:
    return [
        gxe.ExpectColumnValuesToBeUnique(column="source_key"),
        gxe.ExpectColumnValuesToMatchRegex(column="source_key", regex=r"^S\d+$"),
        gxe.ExpectColumnValuesToNotBeNull(column="urls"),
    ]


def validate(
    frames: dict[str, pd.DataFrame],
    labels: list[str],
    output_dir: Path,
) -> None:
    """Run one suite per curated table; raise KbValidationError listing what failed."""
    known_keys = list(frames["sources"]["source_key"])
    suites = {
        "answers": (answer_expectations(labels), "label"),
        "messages": (message_expectations(), "key"),
        "services": (service_expectations(), "service_id"),
        "sources": (sources_expectations(), "source_key"),
        "application_statuses": (status_expectations(), "status"),
        "consultation_topics": (consultation_topic_expectations(), "topic"),
        "citations": (citation_expectations(known_keys), "label"),
    }
    suites.update(action_suites(frames, list(frames["services"]["service_id"])))
    suites["action_citations"] = (citation_expectations(known_keys), "label")
    frames = {
        **frames,
        "citations": source_reference_frame(frames["answers"]),
        "action_citations": cited_keys(frames),
    }
    summary, failed = {}, []
    for name, (expectations, id_column) in suites.items():
        result_path = output_dir / f"{name}.json"
        passed = run_suite(
            frames[name],
            name,
            expectations,
            result_path,
            output_dir / "docs",
            id_column=id_column,
        )
        names = failed_expectations(load_result(result_path))
        summary[name] = {"success": passed, "failed": names, "result": result_path.name}
        failed += [f"{name}: {check}" for check in names]

    dump_result({"success": not failed, "suites": summary}, output_dir / "result.json")
    if failed:
        raise KbValidationError(failed, output_dir)
    log.info("validated %d suites, results in %s", len(suites), output_dir)


# Table and column names below come from this module's constants; values always travel
# as parameters or registered frames.
def load_frame(connection, name: str, frame: pd.DataFrame) -> int:
    """Copy a pandas frame into a table; dates become DATE, coordinates DOUBLE."""
    connection.register("source_frame", frame)
    connection.execute(f"CREATE TABLE {name} AS SELECT * FROM source_frame")
    connection.unregister("source_frame")

    if name in DATE_COLUMNS:
        column = DATE_COLUMNS[name]
        connection.execute(f"ALTER TABLE {name} ALTER {column} SET DATA TYPE DATE")
    for column in DOUBLE_COLUMNS.get(name, ()):
        connection.execute(f"ALTER TABLE {name} ALTER {column} SET DATA TYPE DOUBLE")
    return len(frame)


def load_snapshot(connection, name: str, path: Path, types: dict) -> int:
    """A snapshot CSV read by DuckDB, with the column types that must not be guessed."""
    connection.execute(
        f"CREATE TABLE {name} AS "
        "SELECT * FROM read_csv($path, delim = ';', header = true, types = $types)",
        {"path": str(path), "types": types},
    )
    return connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]


def load_meta(connection, sources: dict[str, str], counts: dict[str, int]) -> None:
    """One row per table: its source file, its row count, when the store was built."""
    built_at = datetime.now(timezone.utc)
    connection.execute(
        "CREATE TABLE kb_meta (table_name VARCHAR, source_file VARCHAR, "
        "row_count BIGINT, built_at TIMESTAMPTZ)"
    )
    rows = [[name, sources[name], counts[name], built_at] for name in counts]
    connection.executemany("INSERT INTO kb_meta VALUES (?, ?, ?, ?)", rows)


def write_store(
    frames: dict[str, pd.DataFrame],
    sources_dir: Path,
    sources: dict[str, str],
    output_path: Path,
) -> dict[str, int]:
    """Build under a temporary name, then rename over the old file in one step."""
    temp_path = output_path.with_name(f".{output_path.name}.{os.getpid()}.tmp")
    remove_files(temp_path, wal_path(temp_path))
    counts = {}
    try:
        with duckdb.connect(str(temp_path)) as connection:
            for name, frame in frames.items():
                counts[name] = load_frame(connection, name, frame)
                log.info("loaded table %s: %d rows", name, counts[name])
            for name, (file, types) in SNAPSHOT_SOURCES.items():
                path = sources_dir / file
                counts[name] = load_snapshot(connection, name, path, types)
                log.info("loaded table %s: %d rows from %s", name, counts[name], file)
            load_meta(connection, sources, counts)
            connection.execute("CHECKPOINT")

        # A write-ahead log left by a crashed writer would be replayed onto the new file
        # by the next reader.
        remove_files(wal_path(output_path))
        os.replace(temp_path, output_path)
    finally:
        remove_files(temp_path, wal_path(temp_path))
    return counts


def wal_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.wal")


def remove_files(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def build(
    sources_dir: Path,
    output_path: Path,
    validation_dir: Path,
    topics_csv: Path = settings.TOPICS_CSV,
) -> dict[str, int]:
    """Validate the CSVs of sources_dir and write the store; returns rows per table."""
    frames = {
        name: read_text_source(sources_dir / file)
        for name, file in TEXT_SOURCES.items()
    }
    frames["messages"] = read_messages(sources_dir)
    topics = read_topics(topics_csv)
    log.info(
        "read %s from %s and %d topics from %s",
        ", ".join(f"{len(frame)} {name}" for name, frame in frames.items()),
        sources_dir,
        len(topics),
        topics_csv,
    )

    validate(frames, topics["label"].tolist(), validation_dir)

    frames["topics"] = topics
    sources = {**TEXT_SOURCES, "topics": topics_csv.name}
    sources.update({name: file for name, (file, _) in SNAPSHOT_SOURCES.items()})
    output_path.parent.mkdir(parents=True, exist_ok=True)
    counts = write_store(frames, sources_dir, sources, output_path)
    log.info("wrote %d tables to %s", len(counts) + 1, output_path)
    return counts


def main() -> int:
    params = settings.stage_params("build_kb")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sources-dir",
        type=Path,
        default=settings.ROOT / params["sources_dir"],
    )
    parser.add_argument("--output", type=Path, default=settings.KB_DB)
    parser.add_argument("--validation-dir", type=Path, default=VALIDATION_DIR)
    args = parser.parse_args()
    setup_logging()

    try:
        build(args.sources_dir, args.output, args.validation_dir)
    except (KbValidationError, FileNotFoundError) as error:
        log.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
