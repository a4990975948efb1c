"""Office hours as the directory writes them, and what they mean at a given moment.

«пн–чт 09:00–18:00, пт 09:00–16:45, перерыв 13:00–13:45» → the opening time of each
weekday and the breaks; consultations are booked every 30 minutes inside them.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from .mask_patterns import read_rows

SLOT = timedelta(minutes=30)
TIME_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*[–\-—]\s*(\d{1,2}):(\d{2})")
DAY_RANGE = re.compile(r"([а-я]{2})\s*[–\-—]\s*([а-я]{2})")
DAY = re.compile(r"[а-я]{2}")
SEGMENT_SEPARATOR = re.compile(r"[,;]\s*(?=[а-я])")
# How far ahead the next opening is looked for.
WEEK = 7


@lru_cache(maxsize=1)
def weekdays() -> dict[str, int]:
    return {name: int(number) for name, number in read_rows("weekdays.tsv")}


@lru_cache(maxsize=1)
def break_words() -> tuple[str, ...]:
    return tuple(row[0] for row in read_rows("break_words.tsv"))


def parse_days(written: str) -> set[int]:
    """«пн–чт» → {0, 1, 2, 3}; «сб, вс» → {5, 6}; unknown words are skipped."""
    days = set()
    for first, last in DAY_RANGE.findall(written):
        if first in weekdays() and last in weekdays():
            days.update(range(weekdays()[first], weekdays()[last] + 1))
    for name in DAY.findall(DAY_RANGE.sub(" ", written)):
        if name in weekdays():
            days.add(weekdays()[name])
    return days


def parse_range(written: str) -> tuple[time, time] | None:
    match = TIME_RANGE.search(written)
    if not match:
        return None
    hour, minute, end_hour, end_minute = (int(value) for value in match.groups())
    return time(hour, minute), time(end_hour, end_minute)


@dataclass(frozen=True)
class Hours:
    """Opening time by weekday, and the daily breaks."""

    days: dict[int, tuple[time, time]] = field(default_factory=dict)
    breaks: tuple[tuple[time, time], ...] = ()

    def opening(self, day: date) -> tuple[time, time] | None:
        return self.days.get(day.weekday())

    def in_break(self, moment: time) -> tuple[time, time] | None:
        pauses = (pause for pause in self.breaks if pause[0] <= moment < pause[1])
        return next(pauses, None)

    def state(self, now: datetime) -> tuple[str, datetime]:
        """('open', closes or break starts), ('break', ends) or ('closed', opens)."""
        opening = self.opening(now.date())
        if opening and opening[0] <= now.time() < opening[1]:
            pause = self.in_break(now.time())
            if pause:
                return "break", at(now, pause[1])
            starts = [pause[0] for pause in self.breaks if pause[0] > now.time()]
            return "open", at(now, min([opening[1], *starts]))
        return "closed", self.next_opening(now)

    def next_opening(self, now: datetime) -> datetime | None:
        for offset in range(WEEK + 1):
            day = now + timedelta(days=offset)
            opening = self.opening(day.date())
            if opening and (offset or now.time() < opening[0]):
                return at(day, opening[0])
        return None

    def slots(self, day: date, tz) -> list[datetime]:
        """Every 30-minute slot of the day that fits the hours and misses the breaks."""
        opening = self.opening(day)
        if opening is None:
            return []
        start = datetime.combine(day, opening[0], tzinfo=tz)
        close = datetime.combine(day, opening[1], tzinfo=tz)
        found = []
        while start + SLOT <= close:
            if not any(overlaps(start, day, pause) for pause in self.breaks):
                found.append(start)
            start += SLOT
        return found


def at(moment: datetime, clock_time: time) -> datetime:
    return moment.replace(hour=clock_time.hour, minute=clock_time.minute, second=0,
                          microsecond=0)


def overlaps(start: datetime, day: date, pause: tuple[time, time]) -> bool:
    pause_start = datetime.combine(day, pause[0], tzinfo=start.tzinfo)
    pause_end = datetime.combine(day, pause[1], tzinfo=start.tzinfo)
    return start < pause_end and pause_start < start + SLOT


@lru_cache(maxsize=256)
def parse_hours(written: str, closed: str = "") -> Hours:
    """Hours of one office; closed days are dropped even if the hours name them."""
    days, breaks = {}, []
    for segment in SEGMENT_SEPARATOR.split(written or ""):
        opening = parse_range(segment)
        if opening is None:
            continue
        if segment.strip().lower().startswith(break_words()):
            breaks.append(opening)
            continue
        for day in parse_days(TIME_RANGE.sub(" ", segment.lower())):
            days[day] = opening
    for day in parse_days((closed or "").lower()):
        days.pop(day, None)
    return Hours(days, tuple(breaks))
