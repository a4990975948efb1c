"""The bookings database: one client per slot, even when many press at once."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from assistant.bookings import (
    BookingBook,
    SlotTakenError,
    new_code,
    open_book,
    phone_matches,
)
from assistant.settings import BOOKINGS_URL_ENV, bookings_url

SLOT = datetime(2026, 12, 4, 10, 0)
NOW = datetime(2026, 12, 3, 10, 0)
CLIENTS = 16


@pytest.fixture
def book(tmp_path):
    return BookingBook(f"sqlite:///{tmp_path / 'bookings.sqlite'}")


def try_to_book(book: BookingBook, number: int) -> str | None:
    try:
        return book.book("OF017", SLOT, "тема", f"Клиент {number}", "+7 916 123-45-67",
                         NOW).code
    except SlotTakenError:
        return None


def test_many_clients_pressing_one_slot_at_once_get_exactly_one_booking(book):
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        codes = list(pool.map(lambda number: try_to_book(book, number), range(CLIENTS)))

    booked = [code for code in codes if code]
    assert len(booked) == 1
    assert book.taken("OF017", SLOT, SLOT.replace(hour=23)) == {SLOT}


def test_the_same_slot_of_another_office_is_free(book):
    book.book("OF017", SLOT, "тема", "Анна", "89161234567", NOW)

    other = book.book("OF018", SLOT, "тема", "Анна", "89161234567", NOW)

    assert other.office_id == "OF018"


def test_moving_onto_a_taken_slot_fails_and_keeps_the_booking(book):
    first = book.book("OF017", SLOT, "тема", "Анна", "89161234567", NOW)
    later = SLOT.replace(hour=11)
    book.book("OF017", later, "тема", "Иван", "89161234568", NOW)

    with pytest.raises(SlotTakenError):
        book.move(first.code, later)

    assert book.find(first.code).slot_start == SLOT


def test_a_cancelled_booking_frees_its_slot_and_leaves_only_its_code(book):
    booking = book.book("OF017", SLOT, "тема", "Анна", "89161234567", NOW)

    book.cancel(booking.code.lower(), NOW)

    assert book.find(booking.code) is None
    assert book.cancelled_at(booking.code) == NOW
    assert book.book("OF017", SLOT, "тема", "Иван", "89161234568", NOW).code
    assert book.cancelled_at("ZZ99ZZ") is None


@pytest.mark.parametrize("digits, matches", [("4567", True), ("1234", False),
                                             ("9161234567", False), ("", False)])
def test_only_the_last_four_digits_of_the_phone_match(book, digits, matches):
    booking = book.book("OF017", SLOT, "тема", "Анна", "+7 916 123-45-67", NOW)

    assert phone_matches(booking, digits) is matches


def test_failed_checks_are_counted_per_code_within_a_window(book):
    for hour in (1, 8, 9):
        book.count_failed_check("ab12cd", NOW.replace(hour=hour))
    book.count_failed_check("ZZ99ZZ", NOW)

    assert book.failed_checks("AB12CD", NOW.replace(hour=8)) == 2
    assert book.failed_checks("AB12CD", NOW.replace(hour=0)) == 3


def test_a_bookings_file_of_the_earlier_schema_gains_the_new_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'bookings.sqlite'}"
    booking = BookingBook(url).book("OF017", SLOT, "тема", "Анна", "89161234567", NOW)
    with BookingBook(url).engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE cancelled_bookings")
        connection.exec_driver_sql("DROP TABLE failed_checks")

    reopened = BookingBook(url)
    reopened.cancel(booking.code, NOW)

    assert reopened.cancelled_at(booking.code) == NOW


def test_codes_are_random_six_characters(book):
    codes = {book.book("OF017", SLOT.replace(hour=9, minute=minute), "тема", "Анна",
                       "89161234567", NOW).code for minute in (0, 30)}

    assert len(codes) == 2
    assert all(len(code) == 6 and code.isalnum() and code.isupper() for code in codes)


def test_the_database_runs_in_wal_mode(book):
    with book.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()

    assert mode == "wal"


def test_the_url_comes_from_the_environment_at_call_time(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"

    assert bookings_url({BOOKINGS_URL_ENV: url}) == url
    assert bookings_url({}).endswith("data/bookings.sqlite")
    assert open_book(url) is open_book(url)


def test_no_booking_code_repeats_a_character_three_times_in_a_row():
    codes = [new_code() for _ in range(5000)]

    assert all(not re.search(r"(.)\1\1", code) for code in codes)
    assert len(set(codes)) == len(codes)
