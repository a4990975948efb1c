"""Office hours, opening state and slots; days and times as clients write them."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from assistant.dates import parse_day, parse_time
from assistant.hours import parse_hours

MOSCOW = ZoneInfo("Europe/Moscow")
WITH_BREAK = parse_hours("пн–чт 09:00–18:00, пт 09:00–16:45, перерыв 13:00–13:45",
                         "сб, вс")
WITH_SATURDAY = parse_hours("пн–пт 09:00–18:00; сб 10:00–14:00", "вс")
THURSDAY = date(2026, 12, 3)


def moment(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    "hours, now, state, at",
    [
        (WITH_BREAK, moment(3, 10), "open", moment(3, 13)),
        (WITH_BREAK, moment(3, 13, 10), "break", moment(3, 13, 45)),
        (WITH_BREAK, moment(3, 14), "open", moment(3, 18)),
        (WITH_BREAK, moment(3, 7), "closed", moment(3, 9)),
        (WITH_BREAK, moment(4, 17), "closed", moment(7, 9)),
        (WITH_BREAK, moment(5, 11), "closed", moment(7, 9)),
        (WITH_SATURDAY, moment(5, 11), "open", moment(5, 14)),
        (WITH_SATURDAY, moment(6, 11), "closed", moment(7, 9)),
    ],
)
def test_the_state_of_an_office_at_a_moment(hours, now, state, at):
    assert hours.state(now) == (state, at)


def test_slots_are_every_30_minutes_inside_the_hours_and_outside_the_break():
    slots = [slot.strftime("%H:%M") for slot in WITH_BREAK.slots(date(2026, 12, 4), MOSCOW)]

    assert slots[0] == "09:00" and slots[-1] == "16:00"
    assert "12:30" in slots and "13:00" not in slots and "13:30" not in slots
    assert "14:00" in slots


def test_a_closed_day_has_no_slots():
    assert WITH_BREAK.slots(date(2026, 12, 5), MOSCOW) == []


@pytest.mark.parametrize(
    "text, day",
    [
        ("15.12", date(2026, 12, 15)),
        ("15/12/2026", date(2026, 12, 15)),
        ("завтра", date(2026, 12, 4)),
        ("послезавтра", date(2026, 12, 5)),
        ("в пятницу", date(2026, 12, 4)),
        ("в понедельник", date(2026, 12, 7)),
        ("в воскресенье", date(2026, 12, 6)),
        ("в субботу", date(2026, 12, 5)),
        ("во вторник", date(2026, 12, 8)),
        ("в среду", date(2026, 12, 9)),
        ("5 декабря", date(2026, 12, 5)),
        ("05.01", date(2027, 1, 5)),
        ("01.12", date(2026, 12, 1)),
        ("31.02", None),
        ("когда удобно", None),
        ("", None),
    ],
)
def test_a_day_is_read_as_clients_write_it(text, day):
    assert parse_day(text, THURSDAY) == day


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("10:30", time(10, 30)),
        ("в 10", time(10, 0)),
        ("14.00", time(14, 0)),
        ("15.12", None),
        ("утром", None),
    ],
)
def test_a_time_is_read_as_clients_write_it(text, wanted):
    assert parse_time(text) == wanted
