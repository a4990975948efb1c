"""Flows that compute from rule tables: scripted dialogs through the dialog manager.

"Now" is pinned to 03.12.2026 12:00 Moscow time, so due dates are fixed; the model and
the knowledge store are the real ones.
"""

import copy
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.actions import Flow
from assistant.actions.account import PersonalAccountAction
from assistant.actions.phrasebook import phrase
from assistant.classifier import Thresholds
from assistant.dialog import ANSWERED, CLARIFIED, DialogManager

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=MOSCOW)
# A sum of money in a reply: «45 000 ₽», «550 ₽», «1000 руб».
RUBLES = re.compile(r"\d[\d\s]*\s?(?:₽|руб)")


def manager_at(dialog_manager, moment: datetime) -> DialogManager:
    return DialogManager(
        dialog_manager.classifier, dialog_manager.store, clock=lambda: moment
    )


@pytest.fixture
def manager(dialog_manager):
    return manager_at(dialog_manager, NOW)


@pytest.fixture
def session(manager):
    return manager.new_session()


def say(manager, session, text: str):
    return manager.reply(session, text)


def open_topic(manager, session, text: str, label: str):
    """Send the opening message; when the model asks which topic, press the expected."""
    reply = manager.reply(session, text)
    if reply.outcome == CLARIFIED and label in [
        choice.label for choice in reply.choices
    ]:
        reply = manager.choose(session, label)
    assert reply.label == label, f"{text!r} went to {reply.label}"
    return reply


def press(manager, session, label: str):
    """The client pressed a topic's button: the flow starts with no words to read."""
    return manager.choose(session, label)


def question(manager, key: str) -> str:
    return phrase(manager.store, key).text


def question_with(manager, key: str, **values) -> str:
    return phrase(manager.store, key, **values).text


# Cost


def test_a_cost_question_reads_power_and_applicant_from_the_first_message(
    manager, session
):
    first = open_topic(
        manager,
        session,
        "Сколько стоит подключить 15 кВт дом в СНТ?",
        "tp_primary_cost",
    )

    assert first.text == question(manager, "cost_ask_voltage_kv")
    assert first.suggestions == ["До 0,4 кВ (220/380 В)", "6–10 кВ", "Не знаю"]

    second = say(manager, session, "До 0,4 кВ (220/380 В)")
    assert second.text == question(manager, "cost_ask_distance")

    answer = say(manager, session, "Да, рядом")
    assert "льготный расчёт" in answer.text
    assert "15 кВт" in answer.text
    assert "lk.rossetimr.ru" in answer.text
    assert session.flow is None


def test_a_new_question_while_the_date_is_asked_leaves_the_deadline_flow(manager, session):
    open_topic(manager, session, "Сколько стоит временное подключение для стройки?",
               "temporary_cost")
    asked = say(manager, session, "а сколько рассматривают?")
    assert asked.suggestions == ["Сегодня", "Вчера"]

    outage = say(manager, session, "Когда дадут свет на улице Садовой?")

    assert outage.label == "outages"
    assert session.flow is None or session.flow.label == "outages"


def test_a_new_question_while_the_power_is_asked_leaves_the_cost_flow(manager, session):
    asked = open_topic(manager, session, "Сколько стоит подключить дом?", "tp_primary_cost")
    assert asked.text == question(manager, "cost_ask_kw")

    outage = say(manager, session, "Когда дадут свет на улице Садовой?")

    assert outage.label == "outages"


def test_a_long_answer_that_gives_the_power_stays_in_the_cost_flow(manager, session):
    open_topic(manager, session, "Сколько стоит подключить дом?", "tp_primary_cost")

    answer = say(manager, session, "у меня частный дом, нужно 15 киловатт для отопления")

    assert answer.label == "tp_primary_cost"
    assert answer.text != question(manager, "cost_ask_kw")


def test_a_four_in_the_power_is_not_taken_for_the_voltage(manager, session):
    first = open_topic(manager, session, "Сколько стоит подключить дом на 4 кВт?",
                       "tp_primary_cost")

    assert first.text == question(manager, "cost_ask_voltage_kv")


def test_an_unconfirmed_rate_gives_no_invented_figure(manager, session):
    open_topic(
        manager,
        session,
        "Сколько стоит подключить 15 кВт дом в СНТ?",
        "tp_primary_cost",
    )
    say(manager, session, "0,4 кВ")
    answer = say(manager, session, "да")

    assert RUBLES.search(answer.text) is None
    assert "подтвердить не можем" in answer.text
    assert "решении регулятора" in answer.text


def test_power_is_asked_when_missing_with_quick_replies(manager, session):
    first = press(manager, session, "tp_primary_cost")

    assert first.text == question(manager, "cost_ask_kw")
    assert first.suggestions == ["15 кВт", "50 кВт", "150 кВт"]
    assert session.flow.asking == "kw"


@pytest.mark.parametrize(
    "nonsense", ["-5 кВт", "минус 5", "минус пять киловатт", "0 квт", "0", "9999999 кВт"]
)
def test_a_nonsense_power_is_asked_again(manager, session, nonsense):
    press(manager, session, "tp_primary_cost")
    reply = say(manager, session, nonsense)

    assert reply.text.startswith(question(manager, "calc_bad_kw"))
    assert session.flow.asking == "kw"
    assert "kw" not in session.flow.slots


def test_two_unreadable_answers_end_with_the_general_answer(manager, session):
    press(manager, session, "tp_primary_cost")
    first = say(manager, session, "много")
    second = say(manager, session, "ну много")

    assert first.text.startswith(question(manager, "calc_retry"))
    assert second.text == manager.store.answer("tp_primary_cost").text
    assert session.flow is None


def test_an_answer_that_names_another_slot_is_not_a_failure(manager, session):
    press(manager, session, "tp_primary_cost")
    reply = say(manager, session, "ИП")

    assert reply.text == question(manager, "cost_ask_kw")
    assert session.flow.slots["applicant"] == "entrepreneur"
    assert session.flow.attempts == 0


def test_a_business_on_a_higher_voltage_gets_the_standardised_rule(manager, session):
    press(manager, session, "tp_primary_cost")
    say(manager, session, "100 кВт")
    say(manager, session, "Юрлицо")
    answer = say(manager, session, "6–10 кВ")

    assert answer.text.startswith("Для вашего случая льготный расчёт не применяется")
    assert RUBLES.search(answer.text) is None
    assert session.flow is None


def test_the_old_rule_gives_its_figure_when_it_was_in_force(dialog_manager):
    manager = manager_at(dialog_manager, datetime(2022, 3, 1, 12, 0, tzinfo=MOSCOW))
    session = manager.new_session()
    open_topic(
        manager,
        session,
        "Сколько стоит подключить 15 кВт дом в СНТ?",
        "tp_primary_cost",
    )
    say(manager, session, "0,4 кВ")
    answer = say(manager, session, "да")

    assert answer.text.startswith("Плата за подключение — 550 ₽ с НДС")


def test_not_knowing_the_voltage_is_assumed_and_said(manager, session):
    open_topic(
        manager,
        session,
        "Сколько стоит подключить 15 кВт дом в СНТ?",
        "tp_primary_cost",
    )
    say(manager, session, "Не знаю")
    answer = say(manager, session, "Да, рядом")

    assert question(manager, "cost_assumed_voltage_kv") in answer.text


def test_an_increase_counts_the_total_power_at_the_point(manager, session):
    open_topic(
        manager,
        session,
        "Какова стоимость увеличения мощности с 5 до 15 кВт?",
        "capacity_increase_cost",
    )
    say(manager, session, "Физлицо")
    say(manager, session, "380 В")
    answer = say(manager, session, "200 м")

    assert question(manager, "fee_increase_total") in answer.text
    assert "15 кВт" in answer.text


def test_a_temporary_connection_is_answered_at_once_without_a_figure(manager, session):
    reply = open_topic(
        manager, session, "Сколько стоит временное подключение?", "temporary_cost"
    )

    assert reply.text.startswith("Временное подключение оплачивают")
    assert RUBLES.search(reply.text) is None
    assert session.flow is None


def test_a_connection_of_no_named_kind_is_asked_about_not_taken_for_a_temporary_one(
    manager, session
):
    first = say(manager, session, "Сколько стоит подключение?")
    second = say(manager, session, "постоянное")

    assert not first.text.startswith("Временное подключение оплачивают")
    assert second.label == "tp_primary_cost"
    assert second.text == question(manager, "cost_ask_kw")


def test_the_temporary_topic_alone_asks_which_kind_of_connection(manager):
    action = manager.actions["temporary_cost"]
    flow = Flow(action=action.name, label="temporary_cost")

    asked = action.start(flow, "Сколько стоит подключение?")
    answered = action.resume(flow, "Временное")

    assert asked.text == question(manager, "cost_ask_connection")
    assert asked.suggestions == ("Постоянное", "Временное")
    assert answered.text.startswith("Временное подключение оплачивают")
    assert flow.label == "temporary_cost"


def test_not_knowing_the_kind_of_connection_is_taken_for_a_home_and_said(manager):
    action = manager.actions["temporary_cost"]
    flow = Flow(action=action.name, label="temporary_cost")

    action.start(flow, "Сколько стоит подключение 15 кВт физлицу?")
    action.resume(flow, "не знаю")
    action.resume(flow, "до 0,4 кВ")
    answer = action.resume(flow, "рядом")

    assert flow.label == "tp_primary_cost"
    assert question(manager, "cost_assumed_connection") in answer.text


def test_a_temporary_answer_corrected_to_a_permanent_one_asks_the_home_case(
    manager, session
):
    open_topic(manager, session, "Сколько стоит временное подключение?", "temporary_cost")
    reply = say(manager, session, "постоянное, для дома")

    assert reply.label == "tp_primary_cost"
    assert reply.text == question(manager, "cost_ask_kw")


def test_a_cost_follow_up_keeps_the_temporary_kind_of_the_session(manager, session):
    open_topic(manager, session, "Нужно временно подключить бытовку на стройке",
               "temporary_apply")
    reply = say(manager, session, "а сколько стоит?")

    assert reply.label == "temporary_cost"
    assert reply.text.startswith("Временное подключение оплачивают")


def test_a_pressed_temporary_cost_button_needs_no_question_about_the_kind(
    manager, session
):
    reply = press(manager, session, "temporary_cost")

    assert reply.text.startswith("Временное подключение оплачивают")


def test_cancel_ends_the_questions(manager, session):
    press(manager, session, "tp_primary_cost")
    reply = say(manager, session, "отмена")

    assert reply.text == manager.store.message("flow_cancelled")
    assert session.flow is None


@pytest.mark.parametrize(
    "bad", ["", "😀🙏", "<script>alert(1)</script>", "а" * 5000, "ghbdtn", "15 kw"]
)
def test_bad_input_inside_a_flow_gets_a_polite_reply(manager, session, bad):
    press(manager, session, "tp_primary_cost")
    reply = say(manager, session, bad)

    assert reply.text.strip()


# Deadlines


def test_the_review_deadline_falls_on_a_date_counted_in_working_days(manager, session):
    first = open_topic(
        manager,
        session,
        "Сколько рассматривают заявку на подключение?",
        "tp_primary_review_time",
    )
    assert first.text == question(manager, "term_ask_kw")

    rule = say(manager, session, "15 кВт")
    assert "10 рабочих дней" in rule.text
    assert rule.suggestions == ["Сегодня", "Вчера"]

    due = say(manager, session, "подал 10 ноября")
    assert due.text.startswith("Заявка подана 10.11.2026")
    assert "не позднее 24.11.2026" in due.text
    assert session.flow is None


def test_a_date_across_the_new_year_holidays_skips_them(manager, session):
    open_topic(
        manager,
        session,
        "Сколько рассматривают заявку на подключение?",
        "tp_primary_review_time",
    )
    say(manager, session, "До 15 кВт")
    due = say(manager, session, "25.12.2026")

    assert "не позднее 19.01.2027" in due.text


def works_term_of_a_home(manager, session, distance: str):
    """The works' term for a person's 15 kW at 0.4 kV, the distance answered as given."""
    open_topic(
        manager,
        session,
        "Какой срок выполнения мероприятий по техприсоединению?",
        "tp_implementation_deadlines",
    )
    say(manager, session, "физлицо, 15 квт")
    say(manager, session, "0,4")
    return say(manager, session, distance)


def test_implementation_deadline_of_thirty_working_days(manager, session):
    rule = works_term_of_a_home(manager, session, "До 15 м")
    due = say(manager, session, "10.11.2026")

    assert "30 рабочих дней" in rule.text
    assert "не позднее 22.12.2026" in due.text


def test_an_unknown_distance_gives_the_common_term_not_the_shortest(manager, session):
    rule = works_term_of_a_home(manager, session, "Не знаю")

    assert "30 рабочих дней" not in rule.text.split("\n")[0]
    assert question(manager, "term_assumed_distance") in rule.text


def test_a_large_business_gets_the_one_year_term_without_small_questions(
    manager, session
):
    open_topic(
        manager,
        session,
        "Какой срок выполнения мероприятий по техприсоединению?",
        "tp_implementation_deadlines",
    )
    rule = say(manager, session, "юрлицо 500 кВт")
    due = say(manager, session, "01.03.2026")

    assert rule.text.startswith("Срок работ — до 1 года")
    assert "не позднее 01.03.2027" in due.text


def test_a_date_missing_from_the_calendar_is_named_and_asked_again(manager, session):
    open_topic(
        manager,
        session,
        "Сколько рассматривают заявку на подключение?",
        "tp_primary_review_time",
    )
    say(manager, session, "15 кВт")
    first = say(manager, session, "31.02.2026")
    second = say(manager, session, "30 февраля")
    counted = say(manager, session, "01.12.2026")

    assert first.text == question_with(manager, "term_date_impossible", typed="31.02.2026")
    assert second.text == question_with(manager, "term_date_impossible", typed="30 февраля")
    assert "01.12.2026" in counted.text
    assert session.flow is None


@pytest.mark.parametrize(
    "answer, start",
    [
        ("заявку подал вчера", "02.12.2026"),
        ("заявку подали позавчера", "01.12.2026"),
        ("подали сегодня", "03.12.2026"),
    ],
)
def test_a_relative_day_is_the_date_the_flow_asked_for(manager, session, answer, start):
    open_topic(
        manager,
        session,
        "Сколько рассматривают заявку на подключение?",
        "tp_primary_review_time",
    )
    say(manager, session, "15 кВт")
    reply = say(manager, session, answer)

    assert reply.label == "tp_primary_review_time"
    assert start in reply.text
    assert session.flow is None


def test_an_unreadable_date_is_asked_again_and_a_second_one_is_let_go(manager, session):
    open_topic(
        manager,
        session,
        "Сколько рассматривают заявку на подключение?",
        "tp_primary_review_time",
    )
    say(manager, session, "15 кВт")
    again = say(manager, session, "когда-то осенью")
    after = say(manager, session, "не помню точно")

    assert again.text == question(manager, "term_date_unreadable")
    assert session.flow is None
    assert after.text.strip()


def test_a_date_outside_the_checked_calendar_is_called_preliminary(manager, session):
    open_topic(
        manager,
        session,
        "Сколько ждать восстановления документов?",
        "docs_restoration_review_time",
    )
    due = say(manager, session, "10.11.2028")

    assert question(manager, "term_calendar_unconfirmed") in due.text


def test_documents_restoration_counts_from_today(manager, session):
    first = open_topic(
        manager,
        session,
        "Сколько ждать восстановления документов?",
        "docs_restoration_review_time",
    )
    due = say(manager, session, "сегодня")

    assert "7 рабочих дней" in first.text
    assert due.text.startswith(
        "Документы сданы 03.12.2026: ориентир готовности — 14.12.2026"
    )


def test_a_date_in_the_opening_message_is_used_at_once(manager, session):
    reply = open_topic(
        manager,
        session,
        "Подал заявку на 15 кВт 10.11.2026, когда рассмотрят?",
        "tp_primary_review_time",
    )

    assert "не позднее 24.11.2026" in reply.text
    assert session.flow is None


# Facts kept across the flows of a session


def cost_of_a_house(manager, session):
    """The whole cost flow: 15 kW, a person's house, 0.4 kV, grid nearby."""
    open_topic(
        manager,
        session,
        "Сколько стоит подключить 15 кВт дом в СНТ?",
        "tp_primary_cost",
    )
    say(manager, session, "До 0,4 кВ (220/380 В)")
    answer = say(manager, session, "Да, рядом")
    assert session.flow is None, answer.text


def recalled(manager, **facts) -> str:
    parts = [
        phrase(manager.store, key, **values).text for key, values in facts.items()
    ]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} и {parts[-1]}"
    return phrase(manager.store, "case_recalled", facts=listed).text


def test_the_review_term_reuses_the_power_the_cost_flow_learnt(manager, session):
    cost_of_a_house(manager, session)
    reply = open_topic(
        manager,
        session,
        "Сколько рассматривают заявку на подключение?",
        "tp_primary_review_time",
    )

    assert question(manager, "term_ask_kw") not in reply.text
    assert "10 рабочих дней" in reply.text
    assert recalled(manager, case_fact_kw={"kw": "15"}) in reply.text


def test_a_deadline_after_a_capacity_increase_ignores_the_power_the_client_has(
    manager, session
):
    say(manager, session, "Сколько рассматривают заявку на увеличение мощности с 5 до 15 кВт?")
    reply = say(
        manager,
        session,
        "Подскажите, срок переоформления считается с даты подачи заявления или с даты, "
        "когда я донесу все документы?",
    )

    assert session.facts["kw_existing"] == 5
    assert reply.label == "docs_restoration_review_time"
    assert reply.text.endswith(question(manager, "term_ask_start_complete_file"))


def test_the_implementation_term_asks_only_the_date_after_the_cost(manager, session):
    cost_of_a_house(manager, session)
    rule = open_topic(
        manager,
        session,
        "Какой срок выполнения мероприятий по техприсоединению?",
        "tp_implementation_deadlines",
    )
    due = say(manager, session, "10.11.2026")

    assert rule.text.endswith(question(manager, "term_ask_start_contract"))
    assert (
        recalled(
            manager,
            case_fact_kw={"kw": "15"},
            case_fact_applicant_person={},
            case_fact_voltage_low={},
            case_fact_distance_300={},
        )
        in rule.text
    )
    assert "между 10.03.2027 и 10.05.2027" in due.text


def test_a_recalled_power_corrected_instead_of_the_date_changes_the_rule(
    manager, session
):
    cost_of_a_house(manager, session)
    open_topic(
        manager,
        session,
        "Какой срок выполнения мероприятий по техприсоединению?",
        "tp_implementation_deadlines",
    )
    corrected = say(manager, session, "нет, 30 кВт")
    due = say(manager, session, "10.11.2026")

    assert corrected.text.startswith(question(manager, "term_implementation_year"))
    assert corrected.text.endswith(question(manager, "term_ask_start_contract"))
    assert "не позднее 10.11.2027" in due.text


def test_a_date_given_once_is_used_by_the_next_deadline_question(manager, session):
    open_topic(
        manager,
        session,
        "Подал заявку на 15 кВт 10.11.2026, когда рассмотрят?",
        "tp_primary_review_time",
    )
    again = press(manager, session, "tp_primary_review_time")

    assert again.text.startswith("Заявка подана 10.11.2026")
    assert "не позднее 24.11.2026" in again.text
    assert session.flow is None


@pytest.mark.parametrize(
    "contract_date",
    ["договор заключили 10.11.2026", "оплатил договор 10.11.2026", "договор от 10 ноября"],
)
def test_a_contract_date_gives_the_works_deadline_not_the_review(
    manager, session, contract_date
):
    cost_of_a_house(manager, session)
    say(manager, session, "а сколько по времени?")
    due = say(manager, session, contract_date)

    assert due.label == "tp_implementation_deadlines"
    assert "Заявка подана" not in due.text
    assert "между 10.03.2027 и 10.05.2027" in due.text


def test_an_application_date_still_gives_the_review_deadline(manager, session):
    cost_of_a_house(manager, session)
    say(manager, session, "а сколько по времени?")
    due = say(manager, session, "заявку подали 10.11.2026")

    assert due.text.startswith("Заявка подана 10.11.2026")


def test_a_contract_date_keeps_a_temporary_connection_on_its_own_terms(manager, session):
    first = press(manager, session, "temporary_review_time")
    due = say(manager, session, "договор заключили 10.11.2026")

    assert due.label == "temporary_review_time"
    assert "месяц" not in due.text and "месяц" not in first.text
    assert "10.11.2026" in due.text


def test_a_contract_date_with_a_when_question_opens_the_works_deadline(manager, session):
    reply = say(manager, session, "у меня договор заключён 01.10.2026, когда подключите?")
    say(manager, session, "15 кВт")
    say(manager, session, "физлицо")
    say(manager, session, "0,4 кВ")
    due = say(manager, session, "метров 100")

    assert reply.label == "tp_implementation_deadlines"
    assert "между 01.02.2027 и 01.04.2027" in due.text


def test_facts_given_instead_of_the_date_are_acknowledged_not_repeated(manager, session):
    open_topic(manager, session, "Какие сроки подключения для ИЖС?", "tp_primary_review_time")
    replies = [
        say(manager, session, text).text
        for text in ["15 кВт", "физическое лицо", "0,4 кВ", "метров 100"]
    ]
    due = say(manager, session, "договор заключен 1 октября 2026")

    assert all(one != other for one, other in zip(replies, replies[1:], strict=False))
    assert replies[-1].startswith(
        question_with(manager, "term_fact_unchanged", facts="сетей не дальше 300 м от участка")
    )
    assert due.label == "tp_implementation_deadlines"
    assert "между 01.02.2027 и 01.04.2027" in due.text


def test_a_corrected_power_after_the_deadline_answer_is_named(manager, session):
    open_topic(manager, session, "Какие сроки подключения для ИЖС?", "tp_primary_review_time")
    say(manager, session, "15 кВт")
    first = say(manager, session, "10.11.2026")
    corrected = say(manager, session, "не 15, а 30 кВт")

    assert corrected.text != first.text
    assert "30 кВт" in corrected.text


def test_a_short_correction_after_the_answer_answers_again(dialog_manager):
    # Never confident: the correction must not depend on how the model reads it.
    classifier = copy.copy(dialog_manager.classifier)
    classifier.thresholds = Thresholds(answer=1.01, clarify=1.01)
    manager = DialogManager(classifier, dialog_manager.store, clock=lambda: NOW)
    session = manager.new_session()
    press(manager, session, "tp_primary_cost")
    first = say(manager, session, "физлицо, 15 кВт, 0,4 кВ, сети рядом")
    corrected = say(manager, session, "не 15, а 30 кВт")

    assert "льготный расчёт" in first.text
    assert corrected.label == "tp_primary_cost"
    assert corrected.text.startswith(question(manager, "fee_standardized"))
    assert "30 кВт" in corrected.text and "30 кВт" not in first.text


def test_facts_of_one_session_never_reach_another(manager, session):
    cost_of_a_house(manager, session)
    other = manager.new_session()
    reply = press(manager, other, "tp_primary_review_time")

    assert reply.text == question(manager, "term_ask_kw")


# Services


def test_an_existing_service_is_found_but_unconfirmed_terms_are_not_asserted(
    manager, session
):
    reply = open_topic(
        manager, session, "Есть ли у вас электролаборатория?", "services_availability"
    )

    assert "Испытания и измерения электролаборатории" in reply.text
    assert "подтвердить не можем" in reply.text
    assert not reply.text.startswith("Да")


def test_a_service_question_without_a_service_asks_which_one(manager, session):
    press(manager, session, "services_cost")
    reply = say(manager, session, "продление ТУ")

    assert reply.text.startswith("Стоимость услуги «Продление срока действия")
    assert "бесплатно" in reply.text


def test_an_unknown_service_is_said_honestly_with_the_next_step(manager, session):
    reply = open_topic(
        manager,
        session,
        "Есть ли у вас услуга ремонта телевизоров?",
        "services_availability",
    )

    assert reply.text.startswith(question(manager, "svc_unknown"))
    assert "8 800 220-0-220" in reply.text


def test_close_services_are_offered_as_buttons(manager, session):
    press(manager, session, "services_execution_time")
    choice = say(manager, session, "счётчик")
    answer = say(manager, session, choice.suggestions[0])

    assert len(choice.suggestions) >= 2
    assert answer.text.startswith(f"Срок услуги «{choice.suggestions[0]}»")


@pytest.mark.parametrize("button", range(3))
def test_each_offered_service_button_gives_that_service(manager, session, button):
    press(manager, session, "services_availability")
    choice = say(manager, session, "счётчик")
    name = choice.suggestions[button % len(choice.suggestions)]

    assert name in say(manager, session, name).text.split("\n")[0]


def service_named(manager, service_id: str):
    return next(s for s in manager.store.services() if s.service_id == service_id)


def test_an_is_there_question_about_a_catalogue_service_says_yes_and_its_terms(
    manager, session
):
    reply = say(manager, session, "Есть ли у вас проверка счётчика?")
    meter = service_named(manager, "meter_replacement")

    assert reply.label == "services_availability"
    assert reply.text.startswith(question_with(manager, "svc_offered", name=meter.name))
    assert meter.price in reply.text and meter.execution_time in reply.text
    assert len(reply.text.split()) <= 90


def test_the_price_of_meter_sealing_is_said_to_be_unknown_not_invented(
    manager, session
):
    reply = say(manager, session, "Сколько стоит опломбирование счётчика?")
    sealing = service_named(manager, "meter_sealing")

    assert reply.label == "services_cost"
    assert reply.text.startswith(
        question_with(manager, "svc_cost_headline_unknown", name=sealing.name)
    )
    assert RUBLES.search(reply.text) is None
    assert sealing.how_to_order in reply.text


def test_meter_sealing_is_in_the_catalogue_with_no_terms_asserted(manager, session):
    reply = say(manager, session, "Есть ли у вас опломбирование прибора учёта?")
    sealing = service_named(manager, "meter_sealing")

    assert reply.label == "services_availability"
    assert reply.text.startswith(
        question_with(manager, "svc_unconfirmed", name=sealing.name)
    )
    assert sealing.description in reply.text
    assert RUBLES.search(reply.text) is None


def test_a_connection_cost_question_is_not_taken_by_the_catalogue(manager, session):
    reply = open_topic(
        manager, session, "Сколько стоит подключить 15 кВт дом в СНТ?", "tp_primary_cost"
    )

    assert reply.text == question(manager, "cost_ask_voltage_kv")


def test_what_another_company_does_is_sent_there(manager, session):
    press(manager, session, "services_availability")
    reply = say(manager, session, "газ подключаете?")

    assert reply.text == question(manager, "svc_elsewhere_utilities")


# Personal account


@pytest.mark.parametrize(
    "text, key",
    [
        ("как войти, забыл пароль", "pa_login"),
        ("как зарегистрироваться в кабинете", "pa_register"),
        ("где в кабинете статус заявки", "pa_track"),
        ("как оплатить счёт в личном кабинете", "pa_pay"),
        ("не могу загрузить документы", "pa_upload"),
        ("где показания счетчика в кабинете", "pa_readings"),
        ("как подать заявку через кабинет", "pa_apply"),
    ],
)
def test_the_account_answer_is_chosen_by_the_message(knowledge_store, text, key):
    action = PersonalAccountAction(knowledge_store, lambda: NOW)
    step = action.start(Flow(action="personal_account", label="personal_account"), text)

    assert step.text == phrase(knowledge_store, key).text


@pytest.mark.parametrize(
    "text",
    [
        "как оплатить счёт",
        "как оплатить счёт за подключение в личном кабинете",
        "где заплатить по счёту за техприсоединение?",
    ],
)
def test_paying_the_connection_invoice_gets_the_account_answer(manager, session, text):
    reply = say(manager, session, text)

    assert reply.label == "personal_account"
    assert reply.text == question(manager, "pa_pay")
    assert session.flow is None


@pytest.mark.parametrize(
    "text",
    [
        "мне пришёл счёт за свет 5000 рублей, почему так много?",
        "как оплатить счет за электроэнергию",
        "пришла квитанция, почему так много",
    ],
)
def test_an_electricity_bill_is_sent_to_the_supplier(manager, session, text):
    reply = say(manager, session, text)

    assert reply.text == manager.store.answer("out_of_scope").text
    assert "Мосэнергосбыт" in reply.text and session.flow is None


def test_a_cost_question_naming_the_invoice_stays_a_cost_question(manager, session):
    reply = say(manager, session, "сколько стоит подключение 15 кВт, какой счёт выставят?")

    assert reply.label == "tp_primary_cost"


def test_a_vague_account_question_asks_with_buttons(manager, session):
    first = open_topic(manager, session, "личный кабинет", "personal_account")
    answer = say(manager, session, first.suggestions[3])

    assert first.text == question(manager, "pa_ask")
    assert answer.text == question(manager, "pa_pay")


def test_a_login_question_gets_the_login_answer(manager, session):
    reply = open_topic(
        manager, session, "Как войти в личный кабинет, забыл пароль", "personal_account"
    )

    assert reply.text == question(manager, "pa_login")


# Staff


def test_the_director_is_named_with_the_date_of_the_fact(manager, session):
    reply = open_topic(manager, session, "Кто генеральный директор?", "employees")

    assert reply.text.startswith(
        "Генеральный директор ПАО «Россети Московский регион» — "
        "Александр Пятигор (по данным на май 2024)"
    )


def test_a_phone_of_an_employee_is_not_given(manager, session):
    reply = open_topic(
        manager, session, "Дайте телефон генерального директора", "employees"
    )

    assert reply.text.startswith(question(manager, "staff_private"))
    assert "Пятигор" in reply.text


def test_an_older_fact_is_not_stated_as_current(manager, session):
    press(manager, session, "employees")
    reply = say(manager, session, "кто руководит светлой линией")

    assert "Татьяна Некрасова" in reply.text
    assert "2014" in reply.text
    assert "подтвердить не можем" in reply.text


def test_an_unknown_position_is_said_honestly(manager, session):
    first = press(manager, session, "employees")
    reply = say(manager, session, "главный бухгалтер")

    assert first.text == question(manager, "staff_ask")
    assert reply.text.startswith(question(manager, "staff_unknown"))
    assert reply.outcome == ANSWERED


def test_a_position_not_in_the_directory_is_said_before_the_choices(manager, session):
    reply = say(manager, session, "Кто главный инженер?")

    assert reply.label == "employees"
    assert reply.text.startswith(question(manager, "staff_unknown"))
    assert reply.text.endswith(question(manager, "staff_ask")) and reply.suggestions


def test_made_up_words_are_not_taken_for_a_position(manager, session):
    say(manager, session, "Кто главный инженер?")
    again = say(manager, session, "зюзюка кракозябра")
    left = say(manager, session, "фыва пролдж")

    assert again.text.startswith(question(manager, "staff_not_position"))
    assert question(manager, "staff_unknown") not in again.text
    assert left.text == question(manager, "staff_left")
    assert session.flow is None


def test_a_question_naming_no_position_only_asks(manager, session):
    reply = press(manager, session, "employees")

    assert reply.text == question(manager, "staff_ask")


def test_a_branch_director_is_found_by_the_branch_name(manager, session):
    reply = open_topic(
        manager, session, "Кто директор северных электросетей?", "employees"
    )

    assert reply.text.startswith(
        "Директор филиала «Северные электрические сети»: Игорь Чадов"
    )
    assert "Рюмин" not in reply.text
