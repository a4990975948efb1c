"""Outages at the client's address: current, coming and overdue, from the dispatch snapshot.

The last address answered is kept in the session's notes, so a follow-up («а когда
дадут?») is answered for it, saying which address it is.
"""

import logging
import re
from datetime import datetime, timedelta
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz

from ..places import Address, find_address, named_place, similar_streets
from ..store import KnowledgeStore
from ..streets import Street, parse_addresses
from .base import Action, Flow, Step
from .moments import format_moment, in_moscow
from .phrasebook import counted
from .views import view

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
# «Подольск, улица Космонавтов 5»: a settlement, a street and a house, with no question.
MAX_BARE_ADDRESS_WORDS = 6
# АО «Мособлэнерго» shares the territory of the Moscow region, not of Moscow
# (domain facts, «Territory»): only there may another grid company serve the house.
SHARED_REGION = "Московская область"
LAST_ADDRESS = "last_address"
REMEMBERED = "remembered"
# The «Проверить другой адрес» button under an answer given for the session's last
# address: it starts the lookup afresh from any point of the dialog.
# «дом 5», «д. 12а» after an answer: the same street, narrowed to one house.
BARE_HOUSE = re.compile(r"^\W*(?:дом|д)\.?\s*(\d{1,4})\s*[а-яё]?\W*$", re.IGNORECASE)
OTHER_ADDRESS = re.compile(r"^\W*проверить\s+друг\w*\s+адрес\w*\W*$", re.IGNORECASE)


class OutageAction(Action):
    name = "outages"
    labels = frozenset({"outages"})
    trigger = OTHER_ADDRESS

    def claim(self, text: str) -> str | None:
        """A bare address as a message («Дубровицы, ул. Дачная») asks about power there."""
        if len(text.split()) > MAX_BARE_ADDRESS_WORDS:
            return None
        address = self._find(text)
        return "outages" if address.settlement and address.street else None

    def start(self, flow: Flow, text: str) -> Step:
        if OTHER_ADDRESS.search(text):
            return self._ask_address(flow)
        address, place = self._heard(text)
        if address.settlement is None and self._recall(flow, address, place):
            house = BARE_HOUSE.match(text)
            if house and flow.slots["street"]:
                flow.slots["house"] = int(house.group(1))
            return self._answer(flow)
        return self._read(flow, address, place, answering=False)

    def resume(self, flow: Flow, text: str) -> Step:
        if OTHER_ADDRESS.search(text):
            flow.slots.clear()
            return self._ask_address(flow)
        if flow.asking == "street" and self._wants_all_streets(text):
            flow.slots["street"] = None
            return self._answer(flow)
        return self._read(flow, *self._heard(text), answering=True)

    def corrects(self, text: str) -> bool:
        """«Дом 5» after an outage answer asks about one house of the same street."""
        return bool(BARE_HOUSE.match(text))

    def _find(self, text: str) -> Address:
        return find_address(text, self._settlements(), self._streets())

    def _heard(self, text: str) -> tuple[Address, str | None]:
        """The address the gazetteer finds, and else the place Slovnet reads, read once."""
        address = self._find(text)
        return address, named_place(text) if address.settlement is None else None

    def _recall(self, flow: Flow, address: Address, place: str | None) -> bool:
        """Take the session's last address for a message that names no other place;
        a street alone («а на Лесной?») is looked up in the last settlement."""
        last = flow.notes.get(LAST_ADDRESS)
        if last is None or place:
            return False
        settlement, street, house = last
        if address.street:
            street, house = address.street, address.house
        flow.slots.update(settlement=settlement, street=street, house=house)
        flow.slots[REMEMBERED] = True
        return True

    def _read(self, flow: Flow, address: Address, place: str | None,
              answering: bool) -> Step:
        """Take what the message names, then ask for what is still missing."""
        # «Урюпинск, улица Ленина 5» while Подольск's street is asked: a new place
        # replaces the remembered one, and one the data do not know is said so.
        if answering and place and place.lower() != str(flow.slots.get("settlement", "")).lower():
            flow.slots.clear()
            return self._place_unknown(place)
        remember(flow, address)

        if "settlement" not in flow.slots:
            return self._ask_settlement(flow, place, answering)
        settlement_only = "street" not in flow.slots and flow.asking != "street"
        if settlement_only and self._rows_of(flow.slots["settlement"]).empty:
            return self._answer_settlement(flow)
        if "street" not in flow.slots:
            failed = answering and flow.asking == "street"
            flow.attempts += failed
            if flow.attempts >= MAX_ATTEMPTS:
                flow.slots["street"] = None
                return self._answer(flow)
            return self._ask_street(flow, failed)
        return self._answer(flow)

    def _answer_settlement(self, flow: Flow) -> Step:
        """A settlement the snapshot has no outage in: no street can change the answer,
        so it comes at once; a street typed next is still looked up there."""
        flow.slots["street"] = None
        step = self._answer(flow)
        del flow.slots["street"]
        flow.asking, flow.attempts = "street", 0
        return Step(step.text, done=False, suggestions=step.suggestions)

    def _ask_address(self, flow: Flow) -> Step:
        flow.asking, flow.attempts = "settlement", 0
        return Step(self.store.message("outage_ask_place"), done=False)

    def _ask_settlement(self, flow: Flow, place: str | None, answering: bool) -> Step:
        if place:
            return self._place_unknown(place)
        flow.asking = "settlement"
        if answering:
            flow.attempts += 1
            if flow.attempts >= MAX_ATTEMPTS:
                return Step(self.store.message("outage_give_up"))
            return Step(self.store.message("outage_place_not_read"), done=False,
                        understood=False)
        return Step(self.store.message("outage_ask_place"), done=False)

    def _place_unknown(self, place: str) -> Step:
        log.info("outage lookup for a place outside the snapshot")
        return Step(self.store.message("outage_place_unknown", place=place))

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
        house = flow.slots.get("house")
        flow.notes[LAST_ADDRESS] = (settlement, street, house)
        place = settlement if street is None else f"{settlement}, {street.name}"
        if street is not None and house is not None:
            place = self.store.message("outage_place_house", place=place, house=house)
        lines, suggestions = [], ()
        if flow.slots.pop(REMEMBERED, False):
            other = self.store.message("outage_other_address")
            lines.append(self.store.message("outage_remembered", place=place, other=other))
            suggestions = (other,)

        if street is not None and not self._has_street(settlement, street):
            return self._unknown_street(flow, lines, suggestions, now)
        outages = self._outages(settlement, street, house, now)
        if not outages:
            lines.append(self.store.message("outage_none", place=place,
                                            fresh=self._freshness(now)))
            if self._in_shared_region(settlement):
                lines.append(self.store.message("outage_other_grid"))
            return Step("\n".join(lines), suggestions=suggestions)

        shown = outages[:SHOWN_OUTAGES]
        # Only planned works ahead: «no outage now» comes first, for a client without power.
        header = "outage_found"
        if all(in_moscow(outage["starts_at"]) > now for outage in outages):
            header = "outage_found_upcoming"
        lines.append(self.store.message(header, place=place,
                                        outages=self._counted(len(outages))))
        lines += [self._line(outage, now) for outage in shown]
        if len(outages) > SHOWN_OUTAGES:
            extra = len(outages) - SHOWN_OUTAGES
            lines.append(self.store.message("outage_more", count=extra))
        if any(is_overdue(outage, now) for outage in shown):
            # The line already says as of when; the hotline is the one next step.
            lines.append(self.store.message("outage_overdue_next"))
        else:
            lines += [self._freshness(now), self.store.message("outage_found_next")]
        return Step("\n".join(lines), suggestions=suggestions)

    def _counted(self, count: int) -> str:
        """«1 отключение», «3 отключения»: the data's noun agreed with the figure."""
        return counted(count, self.store.message("outage_count_noun"))

    def _unknown_street(self, flow: Flow, lines: list[str], suggestions: tuple[str, ...],
                        now: datetime) -> Step:
        """A street the snapshot has no address on in this settlement: say so, offer
        the settlement's outages and close streets, and how to report an outage."""
        settlement, street = flow.slots["settlement"], flow.slots["street"]
        log.info("outage lookup for a street the snapshot does not know")
        lines.append(self.store.message("outage_street_unknown", street=street.name,
                                        settlement=settlement,
                                        fresh=self._freshness(now)))
        similar = tuple(candidate.name for candidate in
                        similar_streets(street, self._streets_of(settlement)))
        if similar:
            names = " или ".join(f"«{name}»" for name in similar)
            lines.append(self.store.message("outage_street_similar", streets=names))
        others = self._outages(settlement, None, None, now)
        if others:
            lines.append(self.store.message("outage_street_others", settlement=settlement,
                                            outages=self._counted(len(others))))
        lines.append(self.store.message("outage_report"))
        if not similar and not others:
            return Step("\n".join(lines), suggestions=suggestions)

        if others:
            similar += (self.store.message("outage_all_streets"),)
        suggestions = similar + suggestions

        # The offers are answers to «which street?»: the flow waits for one of them.
        for slot in ("street", "house"):
            flow.slots.pop(slot, None)
        flow.asking, flow.attempts = "street", 0
        return Step("\n".join(lines), done=False, suggestions=suggestions)

    def _outages(self, settlement: str, street: Street | None, house: int | None,
                 now: datetime) -> list[dict]:
        """Current and coming outages of the settlement, those of the street only."""
        found = []
        for row in self._rows_of(settlement).to_dict("records"):
            parts = matching_parts(row["addresses"], street, house)
            if parts and is_relevant(row, now):
                where = "; ".join(part.written for part in parts)
                found.append({**row, "where": where})
        return sorted(found, key=lambda row: row["starts_at"])

    def _line(self, outage: dict, now: datetime) -> str:
        starts, ends = in_moscow(outage["starts_at"]), in_moscow(outage["ends_at"])
        if is_overdue(outage, now):
            key = "outage_line_overdue"
        elif starts <= now:
            key = "outage_line_current"
        else:
            key = "outage_line_upcoming"
        estimate = ""
        if outage["ends_at_is_estimate"]:
            estimate = self.store.message("outage_estimate")
        return self.store.message(
            key,
            kind=outage["kind"],
            title=outage["kind"].capitalize(),
            where=outage["where"],
            starts=format_moment(starts),
            ends=format_moment(ends),
            estimate=estimate,
            reason=outage["reason"],
            snapshot=format_moment(in_moscow(outage["snapshot_at"])),
        )

    def _freshness(self, now: datetime) -> str:
        snapshot = in_moscow(self.store.table("outages")["snapshot_at"].max())
        key = "outage_stale" if now - snapshot > STALE_AFTER else "outage_fresh"
        return self.store.message(key, snapshot=format_moment(snapshot))

    def _rows_of(self, settlement: str) -> pd.DataFrame:
        by_settlement = view(self.store, "outages_by_settlement", outages_by_settlement)
        rows = by_settlement.get(settlement.lower())
        return self.store.table("outages").iloc[:0] if rows is None else rows

    def _streets_of(self, settlement: str) -> tuple[Street, ...]:
        """Every street the snapshot names in the settlement, finished outages too."""
        return snapshot_streets(tuple(self._rows_of(settlement)["addresses"].dropna()))

    def _has_street(self, settlement: str, street: Street) -> bool:
        known = {(known.key, known.kind) for known in self._streets_of(settlement)}
        return (street.key, street.kind) in known

    def _in_shared_region(self, settlement: str) -> bool:
        """True unless the gazetteer places the settlement outside the Moscow region."""
        table = self.store.table("settlements")
        if "region" not in table.columns:
            return True
        regions = table.loc[table["settlement"] == settlement, "region"].dropna()
        return regions.empty or regions.iloc[0] == SHARED_REGION

    def _settlements(self) -> tuple[str, ...]:
        return view(self.store, "outage_settlements", known_settlements)

    def _streets(self) -> tuple[Street, ...]:
        return view(self.store, "outage_streets", known_streets)


def known_settlements(store: KnowledgeStore) -> tuple[str, ...]:
    """Settlements of the snapshot and the gazetteer, built once per load of the store:
    from pandas on every message they cost more than the lookup itself."""
    outages = store.table("outages")["settlement"]
    gazetteer = store.table("settlements")["settlement"]
    return tuple(sorted(set(outages.dropna()) | set(gazetteer.dropna())))


def outages_by_settlement(store: KnowledgeStore) -> dict[str, pd.DataFrame]:
    """The snapshot's rows per settlement in lower case, split once per load of the store."""
    table = store.table("outages")
    return {str(name): rows for name, rows in table.groupby(table["settlement"].str.lower())}


def known_streets(store: KnowledgeStore) -> tuple[Street, ...]:
    cells = store.table("outages")["addresses"].dropna()
    return snapshot_streets(tuple(cells))


def remember(flow: Flow, address: Address) -> None:
    if address.settlement:
        flow.slots["settlement"] = address.settlement
    if address.street:
        flow.slots["street"] = address.street
        flow.slots["house"] = address.house


@lru_cache(maxsize=256)
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


def is_overdue(outage: dict, now: datetime) -> bool:
    """Works the snapshot saw going on whose (estimated) end has already passed."""
    if outage["status"] != IN_PROGRESS or pd.isna(outage["ends_at"]):
        return False
    return in_moscow(outage["ends_at"]) <= now
