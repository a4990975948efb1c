"""Outages at the client's address: current and coming, from the dispatch snapshot."""

import logging
from datetime import datetime, timedelta
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz

from ..places import Address, find_address, named_place
from ..streets import Street, parse_addresses
from .base import Action, Flow, Step
from .moments import format_moment, in_moscow

log = logging.getLogger(__name__)

FINISHED = "завершено"
IN_PROGRESS = "ведутся работы"
SHOWN_OUTAGES = 3
# The dispatch snapshot is refreshed several times a day; older data may mislead.
STALE_AFTER = timedelta(hours=6)
CHOICE_SCORE = 80
# Unreadable answers before the flow gives the hotline (place) or the whole settlement
# (street) instead of asking once more.
MAX_ATTEMPTS = 2


class OutageAction(Action):
    name = "outages"
    labels = frozenset({"outages"})

    def start(self, flow: Flow, text: str) -> Step:
        return self._read(flow, text, answering=False)

    def resume(self, flow: Flow, text: str) -> Step:
        if flow.asking == "street" and self._wants_all_streets(text):
            flow.slots["street"] = None
            return self._answer(flow)
        return self._read(flow, text, answering=True)

    def _read(self, flow: Flow, text: str, answering: bool) -> Step:
        """Take what the message names, then ask for what is still missing."""
        address = find_address(text, self._settlements(), self._streets())
        remember(flow, address)

        if "settlement" not in flow.slots:
            return self._ask_settlement(flow, text, answering)
        if "street" not in flow.slots:
            failed = answering and flow.asking == "street"
            flow.attempts += failed
            if flow.attempts >= MAX_ATTEMPTS:
                flow.slots["street"] = None
                return self._answer(flow)
            return self._ask_street(flow, failed)
        return self._answer(flow)

    def _ask_settlement(self, flow: Flow, text: str, answering: bool) -> Step:
        place = named_place(text)
        if place:
            log.info("outage lookup for a place outside the snapshot")
            return Step(self.store.message("outage_place_unknown", place=place))
        flow.asking = "settlement"
        if answering:
            flow.attempts += 1
            if flow.attempts >= MAX_ATTEMPTS:
                return Step(self.store.message("outage_give_up"))
            return Step(self.store.message("outage_place_not_read"), done=False,
                        understood=False)
        return Step(self.store.message("outage_ask_place"), done=False)

    def _ask_street(self, flow: Flow, failed: bool) -> Step:
        if flow.asking != "street":
            # Failures to read the settlement do not count against the street.
            flow.attempts = 0
        flow.asking = "street"
        key = "outage_street_not_read" if failed else "outage_ask_street"
        text = self.store.message(key, settlement=flow.slots["settlement"])
        all_streets = self.store.message("outage_all_streets")
        return Step(text, done=False, understood=not failed, suggestions=(all_streets,))

    def _wants_all_streets(self, text: str) -> bool:
        wanted = self.store.message("outage_all_streets").lower()
        return fuzz.WRatio(text.lower(), wanted) >= CHOICE_SCORE

    def _answer(self, flow: Flow) -> Step:
        now = self.clock()
        settlement = flow.slots["settlement"]
        street: Street | None = flow.slots.get("street")
        outages = self._outages(settlement, street, flow.slots.get("house"), now)
        place = settlement if street is None else f"{settlement}, {street.name}"
        fresh = self._freshness(now)
        if not outages:
            return Step(self.store.message("outage_none", place=place, fresh=fresh))

        lines = [self.store.message("outage_found", place=place, count=len(outages))]
        lines += [self._line(outage, now) for outage in outages[:SHOWN_OUTAGES]]
        if len(outages) > SHOWN_OUTAGES:
            extra = len(outages) - SHOWN_OUTAGES
            lines.append(self.store.message("outage_more", count=extra))
        lines += [fresh, self.store.message("outage_found_next")]
        return Step("\n".join(lines))

    def _outages(self, settlement: str, street: Street | None, house: int | None,
                 now: datetime) -> list[dict]:
        """Current and coming outages of the settlement, those of the street only."""
        table = self.store.table("outages")
        rows = table[table["settlement"].str.lower() == settlement.lower()]
        found = []
        for row in rows.to_dict("records"):
            parts = matching_parts(row["addresses"], street, house)
            if parts and is_relevant(row, now):
                where = "; ".join(part.written for part in parts)
                found.append({**row, "where": where})
        return sorted(found, key=lambda row: row["starts_at"])

    def _line(self, outage: dict, now: datetime) -> str:
        starts, ends = in_moscow(outage["starts_at"]), in_moscow(outage["ends_at"])
        current = starts <= now
        estimate = ""
        if current and ends <= now:
            estimate = self.store.message("outage_overdue")
        elif outage["ends_at_is_estimate"]:
            estimate = self.store.message("outage_estimate")
        key = "outage_line_current" if current else "outage_line_upcoming"
        return self.store.message(
            key,
            kind=outage["kind"],
            title=outage["kind"].capitalize(),
            where=outage["where"],
            starts=format_moment(starts),
            ends=format_moment(ends),
            estimate=estimate,
            reason=outage["reason"],
        )

    def _freshness(self, now: datetime) -> str:
        snapshot = in_moscow(self.store.table("outages")["snapshot_at"].max())
        key = "outage_stale" if now - snapshot > STALE_AFTER else "outage_fresh"
        return self.store.message(key, snapshot=format_moment(snapshot))

    def _settlements(self) -> tuple[str, ...]:
        outages = self.store.table("outages")["settlement"]
        gazetteer = self.store.table("settlements")["settlement"]
        return tuple(sorted(set(outages.dropna()) | set(gazetteer.dropna())))

    def _streets(self) -> tuple[Street, ...]:
        cells = self.store.table("outages")["addresses"].dropna()
        return snapshot_streets(tuple(cells))


def remember(flow: Flow, address: Address) -> None:
    if address.settlement:
        flow.slots["settlement"] = address.settlement
    if address.street:
        flow.slots["street"] = address.street
        flow.slots["house"] = address.house


@lru_cache(maxsize=8)
def snapshot_streets(cells: tuple[str, ...]) -> tuple[Street, ...]:
    """Every distinct street of the snapshot's addresses."""
    parts = (part.street for cell in cells for part in parse_addresses(cell))
    return tuple(dict.fromkeys(parts))


def matching_parts(cell: str, street: Street | None, house: int | None) -> list:
    """The parts of an addresses cell that cover the client's street and house."""
    parts = parse_addresses(cell)
    if street is None:
        return list(parts)
    return [
        part for part in parts
        if (part.street.key, part.street.kind) == (street.key, street.kind)
        and part.covers(house)
    ]


def is_relevant(outage: dict, now: datetime) -> bool:
    """Not over: planned or going on; works still going on count even past their end."""
    if outage["status"] == FINISHED:
        return False
    ends = in_moscow(outage["ends_at"]) if not pd.isna(outage["ends_at"]) else None
    return outage["status"] == IN_PROGRESS or (ends is not None and ends > now)
