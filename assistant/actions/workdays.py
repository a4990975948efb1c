"""Working days by the Russian production calendar, with transferred days off.

The `holidays` package models the government's yearly transfer decrees: days off moved
onto weekdays and working Saturdays (01.11.2025, 20.02.2027). Tests pin the 2025–2027
transfers; a year outside CONFIRMED_YEARS is counted with holidays only.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

# Years whose transfer decree is in the calendar and checked by the tests.
CONFIRMED_YEARS = range(2025, 2028)


@lru_cache(maxsize=16)
def russian_calendar(year: int) -> holidays.HolidayBase:
    return holidays.Russia(years=year)


def is_working_day(day: date) -> bool:
    return russian_calendar(day.year).is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """The date of the count-th working day after start; start itself is not counted."""
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        left -= is_working_day(day)
    return day


def add_period(start: date, amount: int, unit: str) -> date:
    """The end of a term: unit is working_days, days or months."""
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "days":
        return start + timedelta(days=amount)
    if unit == "months":
        return start + relativedelta(months=amount)
    raise ValueError(
        f"unknown term unit {unit!r}; expected working_days, days or months"
    )


def calendar_confirmed(start: date, end: date) -> bool:
    """Both ends lie in years whose transfers are known."""
    return start.year in CONFIRMED_YEARS and end.year in CONFIRMED_YEARS
