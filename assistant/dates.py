"""A day and a time of day as a client writes them: «15.12», «завтра», «10:30»."""

import re
from datetime import date, time, timedelta
from functools import lru_cache

from .mask_patterns import read_rows
from .text import lemma, normalize, words

NUMERIC_DATE = re.compile(
    r"(?<![\d:])(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?![\d:])"
)
DAY_NUMBER = re.compile(r"^\d{1,2}$")
TIME_OF_DAY = re.compile(r"(?<![\d.])([01]?\d|2[0-3])(?:[:.\-](\d{2}))?(?![\d.:])")
# A date without a year that lies further back than this means next year («05.01»).
PAST_TOLERANCE = timedelta(days=60)
SLOT_MINUTES = (0, 30)


@lru_cache(maxsize=1)
def calendar_words() -> dict[str, tuple[str, int]]:
    rows = read_rows("calendar_words.tsv")
    return {word: (kind, int(value)) for kind, word, value in rows}


def with_year(day: int, month: int, year: int | None, today: date) -> date | None:
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today - PAST_TOLERANCE:
        found = found.replace(year=found.year + 1)
    return found


def numeric_date(text: str, today: date) -> date | None:
    """«15.12», «15/12», «15.12.2026» — but «10.30» is a time and is left alone."""
    for day, month, year in NUMERIC_DATE.findall(text):
        if int(month) > 12:
            continue
        full_year = None
        if year:
            full_year = 2000 + int(year) if len(year) == 2 else int(year)
        return with_year(int(day), int(month), full_year, today)
    return None


def worded_date(text: str, today: date) -> date | None:
    """«завтра», «в пятницу», «5 декабря»."""
    tokens = words(normalize(text))
    for index, token in enumerate(tokens):
        # «воскресенье» is looked up as typed too: its lemma is «воскресение».
        known = calendar_words().get(token) or calendar_words().get(lemma(token))
        kind, value = known or ("", 0)
        if kind == "relative":
            return today + timedelta(days=value)
        if kind == "weekday":
            return today + timedelta(days=(value - today.weekday()) % 7)
        if kind == "month" and index and DAY_NUMBER.match(tokens[index - 1]):
            return with_year(int(tokens[index - 1]), value, None, today)
    return None


def parse_day(text: str, today: date) -> date | None:
    """The day named in the text, or None."""
    return numeric_date(text or "", today) or worded_date(text or "", today)


# «в 11», «в 11:00», «в 14.00» — but not «в 15 кВт» or «в 10 утра» (asked instead).
TIME_AFTER_V = re.compile(r"(?:^|\s)в\s+([01]?\d|2[0-3])(?:[:.](\d{2}))?(?![\d.:]|\s*[^\W\d_])",
                          re.IGNORECASE)


def time_in_request(text: str) -> time | None:
    """The time in a message that asks for more than a time («на 08.12 в 11:00»): only
    one said with «в», as the message's other figures are kW, dates and house numbers."""
    for hour, minute in TIME_AFTER_V.findall(text or ""):
        if int(minute or 0) < 60:
            return time(int(hour), int(minute or 0))
    return None


def parse_time(text: str) -> time | None:
    """«10:30», «в 10», «14.00»; a date such as «15.12» is not a time."""
    for hour, minute in TIME_OF_DAY.findall(text or ""):
        minute = int(minute or 0)
        if minute in SLOT_MINUTES or minute < 60 and not NUMERIC_DATE.search(text):
            return time(int(hour), minute)
    return None
