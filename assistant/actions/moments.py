"""Dates and times as the answers show them, always in Moscow time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

MOSCOW = ZoneInfo("Europe/Moscow")


def in_moscow(moment) -> datetime:
    """A pandas or Python timestamp, aware or naive (naive counts as Moscow)."""
    moment = pd.Timestamp(moment).to_pydatetime()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=MOSCOW)
    return moment.astimezone(MOSCOW)


def format_day(day: date) -> str:
    return day.strftime("%d.%m")


def format_time(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def format_moment(moment: datetime) -> str:
    """«05.12 10:30»."""
    return f"{format_day(moment)} {format_time(moment)}"
