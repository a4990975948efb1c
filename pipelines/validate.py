"""DVC stage validate: data checks on the cleaned messages before they are split."""

import argparse
import logging
import sys
from pathlib import Path

import great_expectations.expectations as gxe
import pandas as pd

from assistant import settings
from assistant.chatlogs import CLEAN_COLUMNS
from assistant.checks import failed_expectations, load_result, run_suite
from assistant.labels import all_labels
from assistant.logs import setup_logging
from assistant.mask import EMAIL_PATTERN, PHONE_PATTERN

log = logging.getLogger("validate")

MESSAGES = "messages"
TOPIC_COUNTS = "topic_counts"
SUITES = [MESSAGES, TOPIC_COUNTS]
CHANNELS = ["utp", "lk", "mobile"]
RATINGS = [1, -1]

# GX's pandas engine matches with Series.str.contains, which falls back to Python's re
# for look-arounds and Unicode \w: the masking patterns apply unchanged.
PHONE_REGEX = PHONE_PATTERN.pattern
EMAIL_REGEX = EMAIL_PATTERN.pattern


def message_expectations(params: dict) -> list:
    """Schema, ids, value sets, text lengths and no contacts left unmasked."""
    length_bounds = {
        "min_value": params["min_text_length"],
        "max_value": params["max_text_length"],
    }
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=CLEAN_COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToNotBeNull(column="message_id"),
        gxe.ExpectColumnValuesToBeUnique(column="message_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="session_id"),
        gxe.ExpectColumnValuesToBeInSet(column="channel", value_set=CHANNELS),
        # Column-map expectations skip nulls: unlabelled messages pass.
        gxe.ExpectColumnValuesToBeInSet(column="topic", value_set=all_labels()),
        gxe.ExpectColumnValuesToBeInSet(column="operator_topic", value_set=all_labels()),
        gxe.ExpectColumnValuesToBeInSet(column="rating", value_set=RATINGS),
        gxe.ExpectColumnValuesToNotBeNull(column="text"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="text", **length_bounds),
        *contact_expectations("text"),
        *contact_expectations("context"),
    ]


def contact_expectations(column: str) -> list:
    """No phone number or e-mail address left unmasked in a text column."""
    return [
        gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=PHONE_REGEX),
        gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=EMAIL_REGEX),
    ]


def topic_count_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Messages per taxonomy topic; a topic without any has no row."""
    # Unknown labels fail the message suite; counting them too would report them twice.
    topics = frame["topic"]
    counts = topics[topics.isin(all_labels())].value_counts()
    return pd.DataFrame({"topic": counts.index.astype(str), "count": counts.to_numpy()})


def topic_count_expectations(params: dict) -> list:
    """Every taxonomy label present, with enough examples to learn and test it."""
    # contain_set rather than equal_set: GX 1.24 fails to render a failed equal_set.
    return [
        gxe.ExpectColumnDistinctValuesToContainSet(
            column="topic",
            value_set=all_labels(),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="count",
            min_value=params["min_examples_per_topic"],
        ),
    ]


def validate(frame: pd.DataFrame, params: dict, output_dir: Path) -> bool:
    """Run both suites: JSON results in output_dir, data docs in output_dir/docs."""
    docs_dir = output_dir / "docs"
    messages_passed = run_suite(
        frame,
        MESSAGES,
        message_expectations(params),
        output_dir / f"{MESSAGES}.json",
        docs_dir,
        id_column="message_id",
    )

    counts = topic_count_frame(frame)
    log.info("counted %d topics of %d in the taxonomy", len(counts), len(all_labels()))
    counts_passed = run_suite(
        counts,
        TOPIC_COUNTS,
        topic_count_expectations(params),
        output_dir / f"{TOPIC_COUNTS}.json",
        docs_dir,
        id_column="topic",
    )
    return messages_passed and counts_passed


def failed_checks(output_dir: Path) -> list[str]:
    """'suite: expectation(column)' for every failed expectation of the last run."""
    return [
        f"{suite}: {name}"
        for suite in SUITES
        for name in failed_expectations(load_result(output_dir / f"{suite}.json"))
    ]


def main() -> None:
    params = settings.stage_params("validate")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, default=settings.CLEAN_PARQUET)
    parser.add_argument("--output-dir", type=Path, default=settings.VALIDATION_DIR)
    args = parser.parse_args()
    setup_logging()

    frame = pd.read_parquet(args.input)
    labelled = int(frame["topic"].notna().sum())
    log.info("read %d messages, %d labelled, from %s", len(frame), labelled, args.input)

    docs_index = args.output_dir / "docs" / "index.html"
    if not validate(frame, params, args.output_dir):
        failed = "; ".join(failed_checks(args.output_dir))
        sys.exit(f"validation failed: {failed}. Details: {docs_index}")
    log.info("all checks passed; results in %s, docs %s", args.output_dir, docs_index)


if __name__ == "__main__":
    main()
