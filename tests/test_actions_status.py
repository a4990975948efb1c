"""Application status: another try after wrong digits, the lock, every number format.

Whole dialogs through the real DialogManager, the trained model and the built store;
"now" is pinned two hours after the snapshot. Each test builds its own manager, so the
day lock of a number that another test guessed at does not carry over.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.dialog import DialogManager

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
FOUND = "«готовность к осмотру», с 08.07.2026"
STATUS_LABELS = {"tp_application_status", "services_application_status"}
# A number as the chat's own texts write it: «ТП-26-123456», «У-26-123456», «26-171537».
EXAMPLE_NUMBER = re.compile(r"(?<![\w-])(?:[А-Я]{1,3}-)?\d{2}-\d{6}(?![\w-])")


@pytest.fixture
def manager(dialog_manager):
    return DialogManager(dialog_manager.classifier, dialog_manager.store,
                         clock=lambda: NOW)


def talk(manager: DialogManager, *texts: str, session=None):
    session = session or manager.new_session()
    return [manager.reply(session, text) for text in texts]


def fail_three_times(manager, session):
    return talk(manager, "Какой статус моей заявки?", "ТП-26-171537", "1111", "2222",
                "3333", session=session)


# Another try after wrong digits.

def test_after_wrong_digits_the_right_four_digits_alone_show_the_status(manager):
    replies = talk(manager, "Какой статус моей заявки?", "ТП-26-171537", "1111", "8825")

    assert "Осталось попыток: 2" in replies[2].text
    assert FOUND in replies[3].text


def test_each_wrong_try_of_the_digits_counts_down(manager, knowledge_store):
    *_, first, second = talk(manager, "Статус заявки ТП-26-171537", "1111", "2222")

    assert first.text == knowledge_store.message("status_not_matched", left=2)
    assert second.text == knowledge_store.message("status_not_matched", left=1)


def test_digits_typed_again_never_reach_the_log(manager):
    *_, again = talk(manager, "Статус заявки ТП-26-171537", "1111", "2222")

    assert again.masked_text == "<PHONE>"


def test_another_number_after_a_failure_starts_over(manager, knowledge_store):
    *_, asked, status = talk(manager, "Статус заявки ТП-26-171537", "1111",
                             "ТП-26-590321", "3004")

    assert asked.text == knowledge_store.message("status_ask_phone")
    assert "присоединение выполнено" in status.text


def test_the_third_wrong_try_locks_even_the_right_digits_out(manager, knowledge_store):
    session = manager.new_session()
    replies = fail_three_times(manager, session)
    (after,) = talk(manager, "8825", session=session)

    assert replies[-1].text == knowledge_store.message("status_locked")
    assert FOUND not in after.text


def test_words_instead_of_digits_are_asked_again_without_using_a_try(manager,
                                                                    knowledge_store):
    *_, unclear, status = talk(manager, "Статус заявки ТП-26-171537", "1111",
                               "не помню", "8825")

    assert unclear.text == knowledge_store.message("status_phone_not_read")
    assert FOUND in status.text


# After the lock.

@pytest.mark.parametrize("number", ["ТП-26-171537", "26-171537", "тп 26 171537",
                                    "ТП-26-590321"])
def test_a_number_typed_after_the_lock_is_told_the_lock(manager, knowledge_store, number):
    session = manager.new_session()
    fail_three_times(manager, session)

    (reply,) = talk(manager, number, session=session)

    assert reply.text == knowledge_store.message("status_locked")
    assert "lk.rossetimr.ru" in reply.text and "8 800 220-0-220" in reply.text
    assert reply.label in STATUS_LABELS and reply.masked_text == "<APPLICATION>"


def test_a_service_number_after_the_lock_is_logged_as_a_service_status(manager):
    session = manager.new_session()
    fail_three_times(manager, session)

    (reply,) = talk(manager, "У-26-293877", session=session)

    assert reply.label == "services_application_status"


def test_after_the_lock_other_questions_are_still_answered(manager):
    session = manager.new_session()
    fail_three_times(manager, session)

    (reply,) = talk(manager, "Как передать показания счётчика?", session=session)

    assert reply.label == "meter_readings"


def test_a_number_alone_in_a_new_chat_asks_for_the_digits(manager, knowledge_store):
    asked, status = talk(manager, "ТП-26-171537", "8825")

    assert asked.text == knowledge_store.message("status_ask_phone")
    assert asked.label == "tp_application_status"
    assert FOUND in status.text


# Number formats.

@pytest.mark.parametrize("opening, digits, expected", [
    ("Статус заявки 26-171537", "8825", FOUND),
    ("где моя заявка 26-542504", "8835", "«выполняются мероприятия»"),
    ("Статус заявки ТП 26 171537", "8825", FOUND),
    ("Статус заявки тп-26-171537", "8825", FOUND),
    ("Статус заявки №26–171537", "8825", FOUND),
    ("Статус заявки У-26-293877", "0748", "«выполняется»"),
])
def test_a_number_with_or_without_its_letters_finds_the_application(manager, opening,
                                                                    digits, expected):
    *_, status = talk(manager, opening, digits)

    assert expected in status.text


def test_a_number_without_letters_is_read_inside_the_flow_and_kept_out_of_the_log(
        manager):
    _, number, status = talk(manager, "Какой статус моей заявки?", "26-171537", "8825")

    assert number.masked_text == "<APPLICATION>"
    assert FOUND in status.text


def test_the_number_and_the_digits_in_one_message_need_no_question(manager):
    (status,) = talk(manager, "Статус заявки 26-171537, телефон на 8825")

    assert FOUND in status.text


def test_every_example_number_of_the_texts_is_read_as_a_number(manager,
                                                               knowledge_store):
    texts = [knowledge_store.message(key) for key in
             ("status_ask_number", "status_number_not_read", "numbers_only")]
    examples = {number for text in texts for number in EXAMPLE_NUMBER.findall(text)}

    assert len(examples) >= 3
    for number in examples:
        _, reply = talk(manager, "Какой статус моей заявки?", number)
        assert reply.text == knowledge_store.message("status_ask_phone"), number


@pytest.mark.parametrize("unread", ["26 171537", "26171537", "заявка 171537"])
def test_figures_that_are_not_a_number_are_asked_again(manager, knowledge_store, unread):
    _, reply = talk(manager, "Какой статус моей заявки?", unread)

    assert reply.text == knowledge_store.message("status_number_not_read")


def test_other_letters_with_the_right_digits_are_not_the_application(manager):
    *_, reply = talk(manager, "Статус заявки У-26-171537", "8825")

    assert "готовность" not in reply.text
    assert "Осталось попыток: 2" in reply.text


def test_tries_without_letters_count_towards_the_day_lock_of_the_number(manager):
    for number, digits in [("26-171537", "1111"), ("ТП-26-171537", "2222"),
                           ("26-171537", "3333"), ("ТП-26-171537", "4444"),
                           ("26-171537", "5555")]:
        talk(manager, f"Статус заявки {number}", digits)

    *_, owner = talk(manager, "Статус заявки ТП-26-171537", "8825")

    assert owner.text == manager.store.message("status_number_locked")
