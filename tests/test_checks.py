import logging

import great_expectations.expectations as gxe
import pandas as pd
import pytest

from assistant.checks import failed_expectations, load_result, run_suite
from assistant.labels import all_labels
from pipelines.validate import CHANNELS, failed_checks, topic_count_frame, validate

PARAMS = {"min_text_length": 1, "max_text_length": 200, "min_examples_per_topic": 2}
# One example more than required, so that one changed row breaks one check only.
EXAMPLES_PER_TOPIC = 3
# One list for every run below: run_suite must not bind it to the first suite.
PHONE_CHECK = [
    gxe.ExpectColumnValuesToNotMatchRegex(column="text", regex=r"\+7[\d ]{10,}"),
]

MASKED_TEXT = "Когда включат свет на улице Ленина? Мой номер <PHONE>"
MASKED_CONTEXT = "Здравствуйте\nпишу с <EMAIL>"

NOT_MATCH = "expect_column_values_to_not_match_regex"
IN_SET = "expect_column_values_to_be_in_set"


def clean_frame() -> pd.DataFrame:
    """A small table shaped like the clean stage's output: every check passes."""
    topics = [label for label in all_labels() for _ in range(EXAMPLES_PER_TOPIC)]
    topics.append(None)
    rows = range(len(topics))
    return pd.DataFrame(
        {
            "message_id": [f"M{row:07d}" for row in rows],
            "session_id": [f"S{row // 2:06d}" for row in rows],
            "sent_at": pd.date_range("2026-03-01", periods=len(rows), tz="UTC"),
            "channel": [CHANNELS[row % len(CHANNELS)] for row in rows],
            "text": [MASKED_TEXT for _ in rows],
            "context": ["" if row % 2 else MASKED_CONTEXT for row in rows],
            "topic": topics,
            "operator_topic": topics,
            "turn_index": [row % 2 for row in rows],
            "rating": pd.array([[1, None, -1][row % 3] for row in rows], dtype="Int64"),
        }
    )


def test_clean_messages_pass_both_suites_and_get_data_docs(tmp_path):
    assert validate(clean_frame(), PARAMS, tmp_path)

    assert (tmp_path / "docs" / "index.html").exists()
    assert failed_checks(tmp_path) == []


def test_both_suites_are_listed_in_one_docs_index(tmp_path):
    validate(clean_frame(), PARAMS, tmp_path)

    index = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "validations/messages/" in index
    assert "validations/topic_counts/" in index


@pytest.mark.parametrize(
    "column, value, failed",
    [
        ("text", "Перезвоните на +7 (916) 123-45-67", f"{NOT_MATCH}(text)"),
        ("text", "мой номер 8 903 123 45 67, жду", f"{NOT_MATCH}(text)"),
        ("text", "пишите на ivanov.petr@mail.ru", f"{NOT_MATCH}(text)"),
        ("text", "почта иван@почта.рф", f"{NOT_MATCH}(text)"),
        ("context", "Добрый день\n89161234567", f"{NOT_MATCH}(context)"),
        ("text", "", "expect_column_value_lengths_to_be_between(text)"),
        ("channel", "email", f"{IN_SET}(channel)"),
        ("topic", "tariffs", f"{IN_SET}(topic)"),
        ("operator_topic", "tariffs", f"{IN_SET}(operator_topic)"),
        ("message_id", "M0000001", "expect_column_values_to_be_unique(message_id)"),
        ("session_id", None, "expect_column_values_to_not_be_null(session_id)"),
    ],
)
def test_one_bad_value_fails_the_check_that_names_it(tmp_path, column, value, failed):
    frame = clean_frame()
    frame.loc[0, column] = value

    assert not validate(frame, PARAMS, tmp_path)
    assert failed_checks(tmp_path) == [f"messages: {failed}"]


def test_a_topic_with_too_few_examples_fails_the_count_suite(tmp_path):
    frame = clean_frame()
    outages = frame.index[frame["topic"] == "outages"]
    frame = frame.drop(outages[1:])

    assert not validate(frame, PARAMS, tmp_path)
    assert failed_checks(tmp_path) == [
        "topic_counts: expect_column_values_to_be_between(count)"
    ]


def test_a_topic_without_examples_fails_the_count_suite(tmp_path):
    frame = clean_frame()
    frame = frame[frame["topic"] != "appointment"]

    assert not validate(frame, PARAMS, tmp_path)
    assert failed_checks(tmp_path) == [
        "topic_counts: expect_column_distinct_values_to_contain_set(topic)"
    ]


def test_topic_counts_skip_unlabelled_messages():
    counts = topic_count_frame(clean_frame())

    assert len(counts) == len(all_labels())
    assert set(counts["count"]) == {EXAMPLES_PER_TOPIC}


def run_phone_check(frame, tmp_path, id_column=None) -> bool:
    return run_suite(
        frame,
        "texts",
        PHONE_CHECK,
        tmp_path / "texts.json",
        tmp_path / "docs",
        id_column,
    )


def test_the_result_json_names_the_failed_expectation(tmp_path):
    frame = pd.DataFrame({"text": ["Звоните +7 916 123 45 67", "Спасибо"]})

    passed = run_phone_check(frame, tmp_path)

    result = load_result(tmp_path / "texts.json")
    assert not passed
    assert failed_expectations(result) == [f"{NOT_MATCH}(text)"]
    assert (tmp_path / "docs" / "index.html").exists()


def test_a_failure_is_logged_with_row_ids_not_the_leaked_text(tmp_path, caplog):
    texts = ["Звоните +7 916 123 45 67", "Да"]
    frame = pd.DataFrame({"id": ["M1", "M2"], "text": texts})

    with caplog.at_level(logging.INFO, logger="assistant.checks"):
        run_phone_check(frame, tmp_path, id_column="id")

    assert "suite texts: 1 expectations, 1 failed" in caplog.text
    assert "1 unexpected in rows ['M1']" in caplog.text
    assert "916" not in caplog.text


def test_one_expectation_list_serves_repeated_runs_into_one_docs_site(tmp_path):
    frame = pd.DataFrame({"text": ["Спасибо", "Мой номер <PHONE>"]})

    assert run_phone_check(frame, tmp_path)
    assert run_phone_check(frame, tmp_path)
