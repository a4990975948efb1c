"""Client offices of a town or district: address, hours and whether open right now."""

from datetime import datetime

import pandas as pd

from ..hours import parse_hours
from ..offices import (
    DISTANCE,
    FALLBACK,
    NEARBY,
    NEAREST,
    OfficeDirectory,
    OfficeMatch,
    cell,
    find_offices,
    is_unconfirmed,
    prepare_directory,
)
from ..places import named_place
from ..store import KnowledgeStore
from .base import Action, Flow, Step
from .moments import format_moment, format_time
from .views import view

MAX_SHOWN = 4
# «Лобня», «а в Химках?» after an office answer name another place; a longer message
# asks something else.
MAX_PLACE_WORDS = 3
HEADERS = {NEAREST: "office_nearest", NEARBY: "office_nearby", FALLBACK: "office_fallback"}
# The place of the session's last office answer: «офис открыт сейчас?» is asked of it.
LAST_PLACE = "last_place"


class OfficeAction(Action):
    name = "offices"
    labels = frozenset({"offices"})

    def start(self, flow: Flow, text: str) -> Step:
        return self._read(flow, text, answering=False)

    def resume(self, flow: Flow, text: str) -> Step:
        return self._read(flow, text, answering=True)

    def corrects(self, text: str) -> bool:
        """A bare place after an office answer asks for the offices there."""
        return len(text.split()) <= MAX_PLACE_WORDS and self._find(text) is not None

    def _find(self, text: str) -> OfficeMatch | None:
        return find_offices(text, office_directory(self.store))

    def _read(self, flow: Flow, text: str, answering: bool) -> Step:
        match = self._find(text)
        if match is None and not answering:
            match = self._last_match(flow, text)
        if match is None:
            flow.asking = "place"
            key = "office_place_not_read" if answering else "office_ask_place"
            return Step(self.store.message(key), done=False, understood=not answering)
        if match.kind != FALLBACK:
            flow.notes[LAST_PLACE] = match.place
        return Step(self._answer(match))

    def _last_match(self, flow: Flow, text: str) -> OfficeMatch | None:
        """The session's last place, for a message that names no other one."""
        last = flow.notes.get(LAST_PLACE)
        if last is None or named_place(text):
            return None
        return self._find(last)

    def _answer(self, match: OfficeMatch) -> str:
        key = HEADERS.get(match.kind, "office_found")
        header = self.store.message(key, place=match.place, district=match.district)
        now = self.clock()
        rows = match.offices.head(MAX_SHOWN).to_dict("records")
        lines = [header, *(self._line(office, now) for office in rows)]
        # Stand-in rows are said to be so: a client must not travel on an unchecked address.
        unconfirmed = any(is_unconfirmed(office) for office in rows)
        lines.append(self.store.message("office_next_unconfirmed" if unconfirmed
                                        else "office_next"))
        return "\n".join(lines)

    def _line(self, office: dict, now: datetime) -> str:
        return self.store.message(
            "office_line",
            name=office["name"],
            town=office["town"],
            address=office["address"],
            distance=self._distance(office),
            hours=office["hours"],
            state=self.open_state(office, now),
        )

    def _distance(self, office: dict) -> str:
        """« — около 23 км» when the distance from the client's place is known."""
        distance = office.get(DISTANCE)
        if distance is None or pd.isna(distance):
            return ""
        return self.store.message("office_distance", km=max(1, round(distance)))

    def open_state(self, office: dict, now: datetime) -> str:
        """«Сейчас открыт, до 13:00.» or when it opens next, in Moscow time."""
        hours = parse_hours(cell(office["hours"]), cell(office.get("closed_days")))
        state, moment = hours.state(now)
        if state == "open":
            return self.store.message("office_open", until=format_time(moment))
        if state == "break":
            return self.store.message("office_break", until=format_time(moment))
        opens = format_moment(moment) if moment else "—"
        return self.store.message("office_closed", opens=opens)


def office_directory(store: KnowledgeStore) -> OfficeDirectory:
    """The office directory of this load of the store, shared by the flows."""
    return view(store, "office_directory", build_directory)


def build_directory(store: KnowledgeStore) -> OfficeDirectory:
    return prepare_directory(store.table("offices"), store.table("settlements"),
                             store.table("settlement_coordinates"))
