"""The knowledge store, built from data/kb once per session and read as the app does."""

import re
import shutil
import time
from datetime import date

import duckdb
import pandas as pd
import pytest

from assistant import settings
from assistant.errors import StoreMissingError, UnknownLabelError
from assistant.labels import all_labels
from assistant.store import Answer, KnowledgeStore, UnknownMessageError
from pipelines.build_kb import REQUIRED_MESSAGE_KEYS, KbValidationError, build

# A rouble-per-kW figure, e.g. "5 000 ₽/кВт" or "3000 руб. за 1 кВт".
RATE_PER_KW = re.compile(r"\d[\d\s]*\s*(?:₽|руб\.?\w*)\s*(?:/|за\s*1?\s*)\s*кВт")
# Numbers that stopped working years ago and must never be given as current.
OUTDATED = ["8-800-700-40-70", "8 800 700", "988-05-88", "utp.moesk.ru", "МОЭСК»,"]


@pytest.fixture(scope="session")
def store_path(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("kb")
    path = output_dir / "kb.duckdb"
    build(settings.KB_SOURCE_DIR, path, output_dir / "validation")
    return path


@pytest.fixture(scope="session")
def store(store_path):
    with KnowledgeStore(store_path) as opened:
        yield opened


@pytest.fixture(scope="session")
def answers(store) -> list[Answer]:
    return [store.answer(label) for label in sorted(store.labels())]


def test_every_label_in_topics_has_a_non_empty_answer(store):
    assert store.labels() == set(all_labels())
    for label in all_labels():
        answer = store.answer(label)
        assert answer.body.strip() and answer.next_step.strip(), label


def test_answer_text_is_the_body_a_blank_line_and_the_next_step(store):
    answer = store.answer("outages")

    assert answer.text == f"{answer.body}\n\n{answer.next_step}"
    assert isinstance(answer.checked_on, date)
    assert answer.sources and all(key.startswith("S") for key in answer.sources)
    assert answer.confidence in {"H", "M"}


def test_bullets_stand_on_their_own_lines_with_real_newlines(answers):
    for answer in answers:
        assert "\\n" not in answer.text, answer.label
        bullet_lines = [line for line in answer.body.splitlines() if "•" in line]
        assert all(line.startswith("• ") for line in bullet_lines), answer.label
        assert len(bullet_lines) <= 5, answer.label


def test_the_first_line_answers_without_a_bullet(answers):
    for answer in answers:
        assert not answer.body.startswith("•"), answer.label


@pytest.mark.parametrize(
    "label, fact",
    [
        ("tp_primary_review_time", "10 рабочих дней"),
        ("tp_primary_review_time", "5 рабочих дней"),
        ("tp_implementation_deadlines", "30 рабочих дней"),
        ("tp_rules_2020_changes", "262"),
        ("tp_rules_2020_changes", "01.07.2020"),
        ("tp_primary_cost", "12-ФЗ"),
        ("meter_installation", "522-ФЗ"),
        ("meter_readings", "Мосэнергосбыт"),
        ("meter_readings", "с 15 по 26"),
        ("outages", "8 800 220-0-220"),
        ("outages", "rossetimr.ru"),
        ("tp_primary_apply", "lk.rossetimr.ru"),
        ("tu_correction_cost", "бесплатно"),
        ("docs_restoration_review_time", "7 рабочих дней"),
        ("out_of_scope", "8 499 550-9-550"),
        ("operator", "8 800 220-0-220"),
    ],
)
def test_answer_states_the_key_fact(store, label, fact):
    assert fact in store.answer(label).text


def test_no_answer_quotes_a_rate_per_kilowatt(answers):
    # Current Moscow and Moscow-region rates were not confirmed: only the invoice knows.
    for answer in answers:
        assert not RATE_PER_KW.search(answer.text), answer.label


def test_no_rouble_figure_stands_next_to_2026(answers):
    for answer in answers:
        assert not re.search(r"2026.{0,40}₽|₽.{0,40}2026", answer.text), answer.label


def test_no_answer_gives_an_outdated_number_or_portal(answers):
    for answer in answers:
        for outdated in OUTDATED:
            assert outdated not in answer.text, (answer.label, outdated)


def test_no_answer_uses_marks_that_streamlit_markdown_would_eat(answers):
    for answer in answers:
        assert not re.search(r"[$*#_`]", answer.text), answer.label


def test_billing_questions_go_to_the_retail_supplier(store):
    for label in ["meter_readings", "out_of_scope"]:
        assert "my.mosenergosbyt.ru" in store.answer(label).text


def test_unknown_label_raises_unknown_label_error(store):
    with pytest.raises(UnknownLabelError, match="электричество"):
        store.answer("электричество")


def test_reply_lookup_takes_microseconds(store):
    started = time.perf_counter()
    for _ in range(10_000):
        store.answer("outages")
    assert time.perf_counter() - started < 0.5


def test_messages_have_every_key_the_dialog_needs(store):
    for key in REQUIRED_MESSAGE_KEYS:
        assert store.message(key, limit=2000).strip(), key


def test_message_formats_its_placeholders(store):
    text = store.message("too_long", limit=2000)

    assert "2000" in text
    assert "{" not in text and "}" not in text


def test_message_without_its_value_fails_loudly(store):
    with pytest.raises(KeyError, match="limit"):
        store.message("too_long")


def test_unknown_message_key_names_the_known_keys(store):
    with pytest.raises(UnknownMessageError, match="fallback"):
        store.message("no_such_key")


def test_privacy_notice_is_one_line_with_the_policy_link(store):
    notice = store.message("privacy_notice")

    assert "\n" not in notice
    assert "https://rossetimr.ru/" in notice


def test_handoff_gives_the_hotline(store):
    assert "8 800 220-0-220" in store.message("handoff")


def test_services_have_names_and_unconfirmed_prices_carry_no_figures(store):
    services = store.services()

    assert services and all(service.name for service in services)
    for service in services:
        if service.confidence == "L":
            assert not re.search(r"\d", service.price), service.service_id


def test_missing_file_raises_store_missing_error_naming_make_build(tmp_path):
    with pytest.raises(StoreMissingError, match="make build"):
        KnowledgeStore(tmp_path / "absent.duckdb")


def test_file_that_is_not_duckdb_is_reported_corrupt(tmp_path):
    path = tmp_path / "kb.duckdb"
    path.write_text("not a database", encoding="utf-8")

    with pytest.raises(StoreMissingError, match="corrupt or incomplete"):
        KnowledgeStore(path)


def test_store_without_a_table_is_reported_incomplete(tmp_path, store_path):
    path = tmp_path / "kb.duckdb"
    shutil.copy(store_path, path)
    with duckdb.connect(str(path)) as connection:
        connection.execute("DROP TABLE messages")

    with pytest.raises(StoreMissingError, match="missing tables.*messages"):
        KnowledgeStore(path)


def test_build_loads_every_table_and_leaves_no_temporary_file(store_path):
    with duckdb.connect(str(store_path), read_only=True) as connection:
        meta = dict(
            connection.execute("SELECT table_name, row_count FROM kb_meta").fetchall()
        )

    assert meta["answers"] == len(all_labels())
    assert meta["topics"] == len(all_labels())
    assert all(meta[name] > 0 for name in ["offices", "outages", "applications"])
    assert [path.name for path in store_path.parent.glob("*.tmp")] == []


def test_build_refuses_sources_with_a_label_left_unanswered(tmp_path):
    sources = tmp_path / "kb"
    shutil.copytree(settings.KB_SOURCE_DIR, sources)
    answers = pd.read_csv(sources / "answers.csv", sep=";", dtype=str)
    answers = answers[answers["label"] != "goodbye"]
    answers.to_csv(sources / "answers.csv", sep=";", index=False)
    output = tmp_path / "kb.duckdb"

    with pytest.raises(KbValidationError, match="answers"):
        build(sources, output, tmp_path / "validation")
    assert not output.exists()


def test_garbage_bytes_are_reported_corrupt_with_the_build_command(tmp_path):
    path = tmp_path / "kb.duckdb"
    path.write_bytes(bytes(range(256)) * 64)

    with pytest.raises(StoreMissingError, match="corrupt or incomplete.*make build"):
        KnowledgeStore(path)


def test_an_open_store_keeps_no_hold_on_its_file(store_path):
    opened = KnowledgeStore(store_path)

    # A read-only connection left open in this process would refuse a read-write one.
    with duckdb.connect(str(store_path)) as connection:
        count = connection.execute("SELECT count(*) FROM answers").fetchone()[0]
    assert count == len(opened.labels())


def rebuild_with_outages_answer(sources, output, text: str) -> None:
    answers = pd.read_csv(
        sources / "answers.csv", sep=";", dtype=str, keep_default_na=False
    )
    answers.loc[answers["label"] == "outages", "answer"] = text
    answers.to_csv(sources / "answers.csv", sep=";", index=False)
    build(sources, output, sources.parent / "validation")


@pytest.fixture
def own_store(tmp_path):
    """A store built into tmp from a copy of data/kb, for tests that rebuild it."""
    sources = tmp_path / "kb"
    shutil.copytree(settings.KB_SOURCE_DIR, sources)
    path = tmp_path / "kb.duckdb"
    build(sources, path, tmp_path / "validation")
    return sources, path


def test_a_rebuilt_store_is_served_without_a_restart(own_store):
    sources, path = own_store
    store = KnowledgeStore(path, check_every=0)
    assert not store.refresh_if_changed()

    rebuild_with_outages_answer(sources, path, "Свет дадут после ремонта линии.")

    assert store.refresh_if_changed()
    assert store.answer("outages").body == "Свет дадут после ремонта линии."
    assert not store.refresh_if_changed()


def test_the_file_is_looked_at_no_more_often_than_the_interval(own_store):
    sources, path = own_store
    store = KnowledgeStore(path, check_every=3600)
    old_text = store.answer("outages").text

    rebuild_with_outages_answer(sources, path, "Свет дадут после ремонта линии.")

    assert not store.refresh_if_changed()
    assert store.answer("outages").text == old_text


def test_a_broken_rebuild_keeps_the_previous_texts_and_warns(own_store, caplog):
    _, path = own_store
    store = KnowledgeStore(path, check_every=0)
    old_text = store.answer("outages").text
    replacement = path.with_name("broken.duckdb")
    replacement.write_bytes(b"\x00garbage" * 512)
    replacement.replace(path)

    assert not store.refresh_if_changed()

    assert store.answer("outages").text == old_text
    assert "make build" in caplog.text
