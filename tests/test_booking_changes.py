"""Cancelling and moving a booking by its code from a chat that did not make it.

Whole dialogs through the real DialogManager with a bookings database of the test's
own; "now" is pinned to a Thursday morning before the booked Friday.
"""

import re
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.dialog import DialogManager

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
CODE = re.compile(r"Код записи: ([A-Z0-9]{6})")
PHONE = "+7 916 123-45-67"
RIGHT_DIGITS = "4567"


@pytest.fixture
def manager(dialog_manager):
    return DialogManager(dialog_manager.classifier, dialog_manager.store,
                         clock=lambda: NOW)


def talk(manager: DialogManager, *texts: str, session=None):
    session = session or manager.new_session()
    return [manager.reply(session, text) for text in texts]


def book(manager, session=None) -> str:
    """A booking in Подольск on Friday 04.12 at 10:30; its code."""
    replies = talk(manager, "Хочу записаться на приём в офис", "Подольск",
                   "Подключение к электросетям", "04.12", "10:30", "Анна Иванова", PHONE,
                   session=session)
    return CODE.search(replies[-1].text).group(1)


def rows(url: str, query: str) -> list[tuple]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as database:
        return database.execute(query).fetchall()


# The check.

def test_another_chat_is_asked_for_the_phone_digits_before_cancelling(manager,
                                                                     knowledge_store,
                                                                     bookings_url):
    code = book(manager)

    asked, cancelled = talk(manager, f"отменить запись {code}", RIGHT_DIGITS)

    assert asked.text == knowledge_store.message("booking_ask_phone_digits")
    assert f"Запись {code} на 04.12 в 10:30 отменена" in cancelled.text
    assert cancelled.masked_text == "<PHONE>"
    assert rows(bookings_url, "SELECT code FROM bookings") == []


def test_another_chat_is_asked_for_the_phone_digits_before_moving(manager, bookings_url):
    code = book(manager)

    asked, new_day, _, moved = talk(manager, f"перенести запись {code}", RIGHT_DIGITS,
                                    "07.12", "12:00")

    assert "сейчас 04.12 в 10:30" not in asked.text
    assert "сейчас 04.12 в 10:30" in new_day.text
    assert f"запись {code} перенесена на 07.12 в 12:00" in moved.text


def test_the_chat_that_booked_changes_the_booking_without_the_check(manager,
                                                                    bookings_url):
    session = manager.new_session()
    code = book(manager, session)

    _, _, moved = talk(manager, f"перенести запись {code}", "07.12", "12:00",
                       session=session)
    (cancelled,) = talk(manager, f"отменить запись {code}", session=session)

    assert f"запись {code} перенесена на 07.12 в 12:00" in moved.text
    assert f"Запись {code} на 07.12 в 12:00 отменена" in cancelled.text


def test_a_chat_that_passed_the_check_is_not_asked_again(manager, bookings_url):
    code = book(manager)
    session = manager.new_session()
    talk(manager, f"перенести запись {code}", RIGHT_DIGITS, "07.12", "12:00",
         session=session)

    (cancelled,) = talk(manager, f"отменить запись {code}", session=session)

    assert f"Запись {code} на 07.12 в 12:00 отменена" in cancelled.text


# Failures.

def test_wrong_digits_leave_the_booking_and_count_down(manager, knowledge_store,
                                                       bookings_url):
    code = book(manager)

    _, first, second = talk(manager, f"отменить запись {code}", "1111", "2222")

    assert first.text == knowledge_store.message("booking_phone_digits_wrong", left=2)
    assert second.text == knowledge_store.message("booking_phone_digits_wrong", left=1)
    assert second.masked_text == "<PHONE>"
    assert rows(bookings_url, "SELECT code FROM bookings") == [(code,)]


def test_the_third_wrong_digits_end_changes_for_the_chat(manager, knowledge_store,
                                                         bookings_url):
    code = book(manager)
    session = manager.new_session()

    *_, locked = talk(manager, f"отменить запись {code}", "1111", "2222", "3333",
                      session=session)
    (again,) = talk(manager, f"отменить запись {code}", session=session)
    (right,) = talk(manager, RIGHT_DIGITS, session=session)

    assert locked.text == knowledge_store.message("booking_check_locked")
    assert again.text == locked.text and "8 800 220-0-220" in locked.text
    assert "отменена" not in right.text
    assert rows(bookings_url, "SELECT code FROM bookings") == [(code,)]


def test_a_code_guessed_at_from_many_chats_is_locked_for_a_day(manager, knowledge_store,
                                                               bookings_url):
    code = book(manager)
    talk(manager, f"отменить запись {code}", "1111", "2222", "3333")
    talk(manager, f"отменить запись {code}", "4444", "5555")

    (locked,) = talk(manager, f"отменить запись {code}")

    assert locked.text == knowledge_store.message("booking_check_locked")


def test_words_instead_of_digits_are_asked_again_without_using_a_try(manager,
                                                                    knowledge_store,
                                                                    bookings_url):
    code = book(manager)

    _, unclear, cancelled = talk(manager, f"отменить запись {code}", "не помню",
                                 RIGHT_DIGITS)

    assert unclear.text == knowledge_store.message("booking_phone_digits_not_read")
    assert "отменена" in cancelled.text


def test_a_code_typed_instead_of_the_digits_is_not_taken_for_them(manager,
                                                                  knowledge_store,
                                                                  bookings_url):
    code = book(manager)

    _, unclear = talk(manager, f"отменить запись {code}", "A2345B")

    assert unclear.text == knowledge_store.message("booking_phone_digits_not_read")
    assert rows(bookings_url, "SELECT code FROM failed_checks") == []


def test_a_change_typed_in_the_middle_of_a_move_starts_over(manager, bookings_url):
    session = manager.new_session()
    code = book(manager, session)
    talk(manager, f"перенести запись {code}", session=session)

    (cancelled,) = talk(manager, f"отменить запись {code}", session=session)

    assert f"Запись {code} на 04.12 в 10:30 отменена" in cancelled.text


def test_the_database_keeps_no_typed_digits(manager, bookings_url):
    code = book(manager)
    talk(manager, f"отменить запись {code}", "1111", RIGHT_DIGITS)

    failures = rows(bookings_url, "SELECT * FROM failed_checks")
    cancelled = rows(bookings_url, "SELECT * FROM cancelled_bookings")

    assert "1111" not in repr(failures) and len(failures) == 1
    assert [row[0] for row in cancelled] == [code] and len(cancelled[0]) == 2


# A code already cancelled.

@pytest.mark.parametrize("change", ["отменить", "перенести"])
def test_a_cancelled_code_is_said_to_be_cancelled_and_a_new_booking_offered(
        manager, knowledge_store, bookings_url, change):
    session = manager.new_session()
    code = book(manager, session)
    talk(manager, f"отменить запись {code}", session=session)

    (reply,) = talk(manager, f"{change} запись {code}")

    assert reply.text == knowledge_store.message("booking_already_cancelled", code=code,
                                                 date="03.12")
    assert reply.suggestions == [knowledge_store.message("booking_book_again")]


def test_the_offered_button_starts_a_new_booking(manager, knowledge_store, bookings_url):
    session = manager.new_session()
    code = book(manager, session)
    talk(manager, f"отменить запись {code}", session=session)

    (offer,) = talk(manager, f"отменить запись {code}", session=session)
    (started,) = talk(manager, offer.suggestions[0], session=session)

    assert started.text == knowledge_store.message("booking_ask_office")


def test_a_code_that_never_existed_is_still_unknown(manager, knowledge_store,
                                                    bookings_url):
    (reply,) = talk(manager, "отменить запись ZZ99ZZ")

    assert reply.text == knowledge_store.message("booking_code_unknown", code="ZZ99ZZ")
