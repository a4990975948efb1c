"""The calculators behind the cost and deadline flows, without the dialog around."""

from datetime import date

import pytest

from assistant.actions.catalogue import (
    best_targets,
    query_words,
    search_pairs,
    service_fillers,
)
from assistant.actions.dates import read_date, read_impossible_date
from assistant.actions.fees import quote
from assistant.actions.quantities import (
    read_kw,
    read_kw_change,
    read_metres,
    read_voltage,
)
from assistant.actions.rules import find_rule, in_force
from assistant.actions.workdays import add_period, add_working_days, is_working_day

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    "text, kw",
    [
        ("сколько стоит подключить 15 кВт дом в СНТ", 15),
        ("15квт", 15),
        ("15 kw", 15),
        ("пятнадцать киловатт", 15),
        ("нужно 7,5 кВт на дом", 7.5),
        ("сто пятьдесят квт для магазина", 150),
        ("15 кв на дачу", 15),
        ("<b>12 кВт</b>", 12),
        ("напряжение 10 кВ, 100 кВт", 100),
        ("минус 5 кВт", -5),
        ("минус пять киловатт", -5),
    ],
)
def test_power_is_read_in_any_spelling(text, kw):
    assert read_kw(text) == kw


@pytest.mark.parametrize(
    "text", ["10 кВ", "0,4 кВ", "участок 6 кв. м", "дом в СНТ", ""]
)
def test_a_voltage_or_an_area_is_not_read_as_power(text):
    assert read_kw(text) is None


@pytest.mark.parametrize(
    "text, kv",
    [
        ("0,4 кВ", 0.4),
        ("10 кв", 10),
        ("сеть 380 В", 0.4),
        ("220 вольт", 0.4),
        ("15 кВт", None),
        ("до 0,4", 0.4),
        ("15 кВт, физлицо, до 0,4", 0.4),
        ("0,4 кВт", None),
        ("договор от 10.04.2026", None),
    ],
)
def test_voltage_is_read_in_kilovolts(text, kv):
    assert read_voltage(text) == kv


def test_an_increase_reads_the_power_held_and_the_total():
    assert read_kw_change("увеличить мощность с 5 до 15 кВт") == (5, 15)


@pytest.mark.parametrize(
    "text, metres",
    [
        ("столб в 200 м", 200),
        ("1,5 км", 1500),
        ("метров 100", 100),
        ("100 м", 100),
        ("в 100 метрах", 100),
        ("около 150 м", 150),
        ("примерно метров 50, не больше", 50),
    ],
)
def test_distance_is_read_in_metres(text, metres):
    assert read_metres(text) == metres


@pytest.mark.parametrize(
    "text, expected",
    [
        ("подал 10 ноября", date(2026, 11, 10)),
        ("10.11.2026", date(2026, 11, 10)),
        ("10.11", date(2026, 11, 10)),
        ("2026-11-10", date(2026, 11, 10)),
        ("10/11/26", date(2026, 11, 10)),
        ("вчера", date(2026, 12, 2)),
        # Without a year a date far ahead is last year's: applications are in the past.
        ("подал 20 марта", date(2026, 3, 20)),
        ("договор от 25 декабря", date(2026, 12, 25)),
        ("договор заключен 1 октября 2026", date(2026, 10, 1)),
        ("1 окт 2026", date(2026, 10, 1)),
        ("01 октября", date(2026, 10, 1)),
        ("3 мар 2026", date(2026, 3, 3)),
        ("1 ноя", date(2026, 11, 1)),
    ],
)
def test_dates_are_read_from_the_clients_words(text, expected):
    assert read_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["31.02.2026", "7.5 кВт", "нет", "0,4 кВ"])
def test_impossible_dates_and_numbers_are_not_dates(text):
    assert read_date(text, TODAY) is None


@pytest.mark.parametrize(
    "text, typed",
    [
        ("31.02.2026", "31.02.2026"),
        ("подал 30 февраля", "30 февраля"),
        ("2026-02-30", "2026-02-30"),
        ("10.11.2026", None),
        ("вчера", None),
        ("7.5 кВт", None),
    ],
)
def test_a_date_the_calendar_lacks_is_returned_as_typed(text, typed):
    assert read_impossible_date(text, TODAY) == typed


@pytest.mark.parametrize(
    "day, working",
    [
        # Transfers of the decrees for 2025–2027, as the production calendar has them.
        (date(2025, 5, 2), False),
        (date(2025, 5, 8), False),
        (date(2025, 6, 13), False),
        (date(2025, 11, 1), True),
        (date(2025, 11, 3), False),
        (date(2025, 12, 31), False),
        (date(2026, 1, 9), False),
        (date(2026, 3, 9), False),
        (date(2026, 5, 11), False),
        (date(2026, 11, 4), False),
        (date(2026, 12, 31), False),
        (date(2027, 2, 20), True),
        (date(2027, 2, 22), False),
        (date(2027, 11, 5), False),
        (date(2026, 12, 3), True),
        (date(2026, 12, 5), False),
    ],
)
def test_the_calendar_knows_transferred_days_off_and_working_saturdays(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    "start, count, due",
    [
        (date(2026, 11, 10), 10, date(2026, 11, 24)),
        # Over the New Year holidays: 31.12 and 1–11.01 are not counted.
        (date(2026, 12, 25), 10, date(2027, 1, 19)),
        # A working Saturday counts.
        (date(2025, 10, 29), 3, date(2025, 11, 1)),
        (date(2026, 11, 10), 30, date(2026, 12, 22)),
    ],
)
def test_working_days_are_counted_after_the_start_date(start, count, due):
    assert add_working_days(start, count) == due


def test_months_are_added_to_the_calendar_date():
    assert add_period(date(2026, 3, 1), 12, "months") == date(2027, 3, 1)


def rule_rows(rows: list[dict]) -> list[dict]:
    """Rule rows as the flows read them: every condition column, empty as None."""
    columns = [
        "rule_id",
        "applicant",
        "min_kw",
        "max_kw",
        "max_voltage_kv",
        "max_distance",
        "valid_from",
        "valid_to",
        "basis",
        "amount_rub",
        "confirmed",
    ]
    return [{column: row.get(column) for column in columns} for row in rows]


PREFERENTIAL = {
    "rule_id": "pref",
    "applicant": "person",
    "max_kw": "15",
    "max_voltage_kv": "0.4",
    "max_distance": "300",
    "basis": "per_kw",
    "amount_rub": "5000",
    "confirmed": "true",
}
STANDARD = {
    "rule_id": "std",
    "applicant": "any",
    "basis": "standardized",
    "confirmed": "false",
}


def test_a_rule_asks_for_the_first_slot_it_needs():
    rules = rule_rows([PREFERENTIAL, STANDARD])

    assert find_rule(rules, {}).missing == "kw"
    assert find_rule(rules, {"kw": 15.0}).missing == "applicant"
    assert find_rule(rules, {"kw": 15.0, "applicant": "person"}).missing == "voltage_kv"


def test_a_failed_condition_falls_through_without_asking_the_rest():
    rules = rule_rows([PREFERENTIAL, STANDARD])

    match = find_rule(rules, {"kw": 100.0, "applicant": "person"})

    assert match.rule["rule_id"] == "std"


def test_an_unknown_answer_is_assumed_and_reported():
    rules = rule_rows([PREFERENTIAL, STANDARD])
    slots = {
        "kw": 10.0,
        "applicant": "person",
        "voltage_kv": "unknown",
        "distance": "500",
    }

    match = find_rule(rules, slots)

    assert match.rule["rule_id"] == "pref"
    assert match.assumed == ("voltage_kv", "rural")


def test_a_confirmed_per_kw_rate_gives_a_figure_and_an_unconfirmed_one_none():
    slots = {"kw": 15.0, "applicant": "person"}

    assert quote(PREFERENTIAL, slots).fee == 75_000
    assert quote({**PREFERENTIAL, "confirmed": "false"}, slots).fee is None
    assert quote({**PREFERENTIAL, "amount_rub": None}, slots).fee is None


def test_an_increase_is_charged_for_the_added_kw_once_the_held_kw_is_known():
    slots = {"kw": 15.0, "increase": True}

    assert quote(PREFERENTIAL, slots).missing == "kw_existing"
    assert quote(PREFERENTIAL, {**slots, "kw_existing": 5.0}).fee == 50_000
    assert quote(PREFERENTIAL, {**slots, "kw_existing": "unknown"}).fee is None


def test_rules_in_force_follow_the_date():
    rules = rule_rows(
        [
            {**PREFERENTIAL, "valid_to": "2022-06-30"},
            {**STANDARD, "valid_from": "2022-07-01"},
        ]
    )

    assert [rule["rule_id"] for rule in in_force(rules, date(2022, 3, 1))] == ["pref"]
    assert [rule["rule_id"] for rule in in_force(rules, TODAY)] == ["std"]


@pytest.mark.parametrize(
    "text, target",
    [
        ("есть ли у вас электролаборатория", "lab_tests"),
        ("электролаборотория", "lab_tests"),
        ("можно арендовать автовышку", "equipment_hire"),
        ("сколько стоит продление ТУ", "tu_extension"),
        ("подключаете газ?", "elsewhere_utilities"),
        ("есть ли у вас услуга по выносу столба", "grid_relocation"),
        ("сколько стоит опломбирование счётчика", "meter_sealing"),
        ("есть ли у вас опломбирование прибора учёта", "meter_sealing"),
        ("нужно поставить пломбу на счётчик", "meter_sealing"),
        ("есть ли у вас проверка счётчика", "meter_replacement"),
    ],
)
def test_the_catalogue_is_searched_by_meaning_and_with_typos(
    knowledge_store, text, target
):
    pairs = search_pairs(knowledge_store)
    query = query_words(text, service_fillers(knowledge_store))

    assert [candidate.target for candidate in best_targets(query, pairs)] == [target]


@pytest.mark.parametrize("text", ["ремонт телевизоров", "есть ли у вас услуги", "🙂"])
def test_nothing_is_found_for_an_unknown_or_empty_service(knowledge_store, text):
    pairs = search_pairs(knowledge_store)
    query = query_words(text, service_fillers(knowledge_store))

    assert best_targets(query, pairs) == []
