"""Dates in a client's words: «10.11.2026», «10.11», «10 ноября», «1 окт», «подал вчера»."""

import re
from datetime import date, timedelta
from functools import lru_cache

from ..text import RESOURCES, lemma
from .quantities import prepare

# «7.5 кВт» is a power, not the 7th of May.
NUMERIC_DATE = re.compile(
    r"(?<![\d.,])(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?(?!\d|[.,]\d)"
    r"(?!\s*(?:кв|kw|м\b|км))"
)
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
WORDED_DATE = re.compile(r"(?<!\d)(\d{1,2})\s+([а-я]+)(?:\s+(\d{4}))?")
RELATIVE_DAYS = {"сегодня": 0, "вчера": 1, "позавчера": 2}
# A date without a year that would lie this far ahead is taken from last year:
# clients ask about applications already filed.
FUTURE_SLACK_DAYS = 60


@lru_cache(maxsize=1)
def month_numbers() -> dict[str, int]:
    lines = (RESOURCES / "months.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return {name: int(number) for name, number in pairs}


def read_date(text: str, today: date) -> date | None:
    """The first date the text names, or None; impossible dates («31.02») are None."""
    prepared = prepare(text)
    for reader in (read_iso, read_numeric, read_worded, read_relative):
        found = reader(prepared, today)
        if found is not None:
            return found
    return None


def read_impossible_date(text: str, today: date) -> str | None:
    """A date as typed when the calendar has no such day («31.02.2026»), else None."""
    if read_date(text, today) is not None:
        return None
    prepared = prepare(text)
    for pattern in (ISO_DATE, NUMERIC_DATE):
        match = pattern.search(prepared)
        if match:
            return match.group(0)
    months = month_numbers()
    for match in WORDED_DATE.finditer(prepared):
        word = match.group(2)
        if months.get(word) or months.get(lemma(word)):
            return match.group(0)
    return None


def read_iso(text: str, today: date) -> date | None:
    match = ISO_DATE.search(text)
    return (
        make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), today)
        if match
        else None
    )


def read_numeric(text: str, today: date) -> date | None:
    match = NUMERIC_DATE.search(text)
    if not match:
        return None
    day, month, year = match.groups()
    return make_date(parse_year(year), int(month), int(day), today)


def read_worded(text: str, today: date) -> date | None:
    months = month_numbers()
    for match in WORDED_DATE.finditer(text):
        # Short forms («мар», «ноя») are looked up as typed: their lemmas are other words.
        word = match.group(2)
        month = months.get(word) or months.get(lemma(word))
        if month:
            return make_date(
                parse_year(match.group(3)), month, int(match.group(1)), today
            )
    return None


def read_relative(text: str, today: date) -> date | None:
    for word, days_back in RELATIVE_DAYS.items():
        if re.search(rf"\b{word}\b", text):
            return today - timedelta(days=days_back)
    return None


def parse_year(digits: str | None) -> int | None:
    if not digits:
        return None
    year = int(digits)
    return year + 2000 if year < 100 else year


def make_date(year: int | None, month: int, day: int, today: date) -> date | None:
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found > today + timedelta(days=FUTURE_SLACK_DAYS):
        return make_date(today.year - 1, month, day, today)
    return found


def format_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")
