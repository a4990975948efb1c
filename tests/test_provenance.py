"""Facts behind the answers: sources, age, status, and no unconfirmed figure stated as sure."""

from datetime import date

import pandas as pd
import pytest

from assistant import settings
from assistant.errors import StoreMissingError
from assistant.provenance import has_hedge, list_facts, older_than, unhedged_figures
from pipelines.build_kb import build
from tests.analyst_app import logged_in_app, open_page, prepare_analyst_env

PAGE = "views/provenance.py"
# A day after every checked_on date in data/kb: ages are relative to it.
TODAY = date(2026, 12, 31)
# Columns that say where a fact comes from, not what a client is told.
NOT_CLIENT_TEXT = {"label", "service_id", "sources", "source", "checked_on", "confidence"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kb")
    build(settings.KB_SOURCE_DIR, folder / "kb.duckdb", folder / "validation")
    return folder / "kb.duckdb"


@pytest.fixture(scope="module")
def facts(store_path):
    return list_facts(store_path, TODAY)


def read_kb_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(settings.KB_SOURCE_DIR / name, sep=";", dtype=str,
                       keep_default_na=False)


def test_every_answer_and_service_is_listed_once(facts):
    answers, services = read_kb_csv("answers.csv"), read_kb_csv("services.csv")

    listed = facts.groupby("table")["fact_id"].apply(set).to_dict()
    assert listed["answers"] == set(answers["label"])
    assert listed["services"] == set(services["service_id"])
    # Rule tables and staff carry sources and dates too: they are facts like the answers.
    assert {"fee_rules", "deadline_rules", "staff"} <= set(listed)
    assert not facts.duplicated(["table", "fact_id"]).any()


def test_facts_come_oldest_first_and_the_least_sure_first_on_one_day(facts):
    assert facts["checked_on"].is_monotonic_increasing
    first_day = facts[facts["checked_on"] == facts["checked_on"].min()]
    assert first_day["confidence"].iloc[0] == "L"
    assert (facts["age_days"] == [(TODAY - day).days for day in facts["checked_on"]]).all()


def test_source_keys_are_shown_with_their_titles(facts):
    meters = facts.set_index("fact_id").loc["meter_replacement"]

    assert meters["source_keys"] == "S21; S23; S24"
    titles = meters["source_titles"]
    assert titles.startswith("РИАМО, 21.10.2025: интеллектуальные счётчики; https://")


def test_only_facts_seen_in_a_known_source_count_as_confirmed(facts):
    by_id = facts.set_index("fact_id")

    assert by_id.loc["meter_replacement", "confirmed"]
    assert not by_id.loc["ev_charging", "confirmed"]
    assert by_id.loc["ev_charging", "status"] == "не подтверждён"
    assert (facts["confirmed"] == facts["confidence"].isin(["H", "M"])).all()


def test_the_age_filter_keeps_facts_checked_longer_ago(facts):
    oldest = int(facts["age_days"].max())

    assert len(older_than(facts, 0)) == len(facts)
    assert (older_than(facts, oldest)["age_days"] == oldest).all()
    assert older_than(facts, oldest + 1).empty


def test_a_missing_store_names_the_build_command(tmp_path):
    with pytest.raises(StoreMissingError, match="make build"):
        list_facts(tmp_path / "absent.duckdb", TODAY)


@pytest.mark.parametrize(
    "text, bare",
    [
        ("Стоимость — 5 000 рублей.", ["Стоимость — 5 000 рублей."]),
        ("Стоимость по смете — уточняйте на «Светлой линии».", []),
        ("Срок около 7 рабочих дней.", []),
        ("Звоните 8 800 220-0-220 или пишите на lk.rossetimr.ru.", []),
        ("Сеть запустили в 2015 году; условия зарядки не подтверждены.", []),
        ("Бесплатно. Срок — 30 дней.", ["Срок — 30 дней."]),
        ("", []),
    ],
)
def test_figures_without_a_hedge_are_found_sentence_by_sentence(text, bare):
    assert unhedged_figures(text) == bare


def unconfirmed_rows():
    """Rows marked L in every knowledge-base CSV that has a confidence column."""
    for path in sorted(settings.KB_SOURCE_DIR.glob("*.csv")):
        frame = read_kb_csv(path.name)
        if "confidence" not in frame:
            continue
        for _, row in frame[frame["confidence"] == "L"].iterrows():
            yield pytest.param(path.name, row, id=f"{path.name}:{row.iloc[0]}")


def client_texts(row: pd.Series) -> list[str]:
    return [value for column, value in row.items() if column not in NOT_CLIENT_TEXT]


def test_answers_never_rest_on_an_unconfirmed_fact():
    assert set(read_kb_csv("answers.csv")["confidence"]) <= {"H", "M"}


@pytest.mark.parametrize("name, row", list(unconfirmed_rows()))
def test_an_unconfirmed_fact_states_no_figure_as_certain(name, row):
    texts = client_texts(row)

    assert any(has_hedge(text) for text in texts), "say where the exact answer is"
    assert [bare for text in texts for bare in unhedged_figures(text)] == []


@pytest.fixture
def page(tmp_path, monkeypatch):
    prepare_analyst_env(tmp_path, monkeypatch, [])
    return open_page(logged_in_app(), PAGE)


def test_the_page_lists_every_fact_and_filters_by_age(facts, page):
    assert page.title[0].value == "Источники фактов"
    assert len(page.dataframe[0].value) == len(facts)
    assert page.dataframe[0].value.columns[0] == "Проверено"

    page.number_input(key="older_than_days").set_value(100_000).run()
    assert not page.dataframe
    assert page.info[0].value == "Таких фактов нет."


def test_the_page_shows_only_unconfirmed_facts_on_request(facts, page):
    page.checkbox(key="unconfirmed_only").check().run()

    shown = page.dataframe[0].value
    assert set(shown["Статус"]) == {"не подтверждён"}
    assert len(shown) == int((~facts["confirmed"]).sum())
    assert not page.warning
