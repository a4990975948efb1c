"""A real booking of an in-person consultation, and its cancelling or moving by code.

Booking asks, in turn, for the office, the topic, the day, a free 30-minute slot, the
client's name and phone, then writes the booking and gives a code. «отменить запись
AB12CD» and «перенести запись AB12CD» start this action from any point of the dialog.
A chat that did not make the booking must first give the last four digits of its
phone; three wrong answers end such changes for the chat, five in a day for the code.
"""

import logging
import re
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz, process

from .. import settings
from ..bookings import Booking, BookingBook, SlotTakenError, open_book, phone_matches
from ..dates import parse_day, parse_time, time_in_request
from ..mask import mask_text
from ..mask_patterns import PHONE_PATTERN
from ..offices import FALLBACK, cell, find_offices, is_unconfirmed
from ..slots import (
    BOOKING_DAYS,
    CLOSED,
    FULL,
    OUTSIDE,
    PAST,
    TAKEN,
    TOO_FAR,
    OfficeSlots,
)
from .base import Action, Flow, Step
from .moments import format_day, format_time
from .offices import office_directory

log = logging.getLogger(__name__)

CHANGE_PATTERN = re.compile(r"(?:отмен|перен[её]с|перенос)\w*\s+(?:\w+\s+)?запис\w*",
                            re.IGNORECASE)
MOVE_PATTERN = re.compile(r"перен[её]с|перенос", re.IGNORECASE)
# Six Latin letters and digits: «AB12CD», typed in any case.
CODE_PATTERN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{6})(?![A-Za-z0-9])")
# The phone's last four digits, not part of a code («A2345B») or a longer number.
PHONE_DIGITS_PATTERN = re.compile(r"(?<!\w)([0-9]{4})(?!\w)")
NAME_PATTERN = re.compile(r"^[^\W\d_][^\W\d_\s\-']*(?:[\s\-'][^\W\d_]+){0,3}$")
SHOWN_DAYS, SHOWN_TIMES, SHOWN_OFFICES = 3, 4, 4
TOPIC_SCORE = 80
MAX_TOPIC = 100
DAY_KEYS = {PAST: "booking_date_past", TOO_FAR: "booking_date_far",
            CLOSED: "booking_date_closed", FULL: "booking_day_full"}
TIME_KEYS = {OUTSIDE: "booking_time_outside", PAST: "booking_time_past",
             TAKEN: "booking_time_taken"}
MAX_CHECK_FAILURES = 3
# Guessing one code's digits from many chats: after this many failures in a day the
# code can be changed from no other chat.
MAX_CODE_FAILURES = 5
CODE_LOCK = timedelta(days=1)


class AppointmentAction(Action):
    name = "appointment"
    labels = frozenset({"appointment"})
    trigger = CHANGE_PATTERN
    secret_pattern = CODE_PATTERN
    secret_slots = {"name": "PER", "phone": "PHONE", "phone_last4": "PHONE"}

    def book(self) -> BookingBook:
        """The bookings database of the current ASSISTANT_BOOKINGS_URL."""
        return open_book(settings.bookings_url())

    def start(self, flow: Flow, text: str) -> Step:
        if CHANGE_PATTERN.search(text):
            flow.slots["mode"] = "move" if MOVE_PATTERN.search(text) else "cancel"
            return self._read_code(flow, text, answering=False)
        flow.slots["mode"] = "book"
        # «Запишите в Подольск на 08.12 в 11:00»: the day and time wait for the topic.
        flow.slots["wanted"] = (parse_day(text, self.clock().date()), time_in_request(text))
        return self._read_office(flow, text, answering=False)

    def resume(self, flow: Flow, text: str) -> Step:
        if flow.asking != "code" and CHANGE_PATTERN.search(text):
            # «отменить запись AB12CD» in the middle of another question starts over.
            flow.slots.clear()
            return self.start(flow, text)
        readers = {
            "code": lambda: self._read_code(flow, text, answering=True),
            "office": lambda: self._read_office(flow, text, answering=True),
            "topic": lambda: self._read_topic(flow, text),
            "day": lambda: self._read_day(flow, text),
            "time": lambda: self._read_time(flow, text),
            "name": lambda: self._read_name(flow, text),
            "phone": lambda: self._read_phone(flow, text),
            "phone_last4": lambda: self._read_phone_digits(flow, text),
        }
        return readers[flow.asking]()

    # Booking, step by step.

    def _read_office(self, flow: Flow, text: str, answering: bool) -> Step:
        match = find_offices(text, office_directory(self.store))
        if match is None:
            key = "booking_office_not_read" if answering else "booking_ask_office"
            return self._ask(flow, "office", key, understood=not answering)

        bookable = [office for office in match.offices.to_dict("records")
                    if self._slots(office).bookable()]
        if match.kind == FALLBACK or not bookable:
            flow.asking = "office"
            key = "booking_office_no_slots"
            if match.kind == FALLBACK:
                key = "booking_office_none"
            text = self.store.message(key, place=match.place)
            return Step(text, done=False, understood=False,
                        suggestions=self._other_offices(match.district))
        if len(bookable) > 1:
            names = tuple(office["name"] for office in bookable[:SHOWN_OFFICES])
            return self._ask(flow, "office", "booking_choose_office", suggestions=names)
        flow.slots["office"] = bookable[0]
        return self._ask_topic(flow)

    def _other_offices(self, district: str | None) -> tuple[str, ...]:
        """Bookable offices to offer instead: the district's first, then any."""
        offices = self.store.table("offices").to_dict("records")
        offices.sort(key=lambda office: office["district"] != district)
        bookable = [office["town"] for office in offices
                    if self._slots(office).bookable()]
        return tuple(bookable[:SHOWN_OFFICES])

    def _ask_topic(self, flow: Flow) -> Step:
        office = flow.slots["office"]
        text = self.store.message("booking_ask_topic", office=office["name"],
                                  address=f"{office['town']}, {office['address']}")
        flow.asking = "topic"
        return Step(text, done=False, suggestions=self._topics())

    def _topics(self) -> tuple[str, ...]:
        return tuple(self.store.table("consultation_topics")["title"])

    def _read_topic(self, flow: Flow, text: str) -> Step:
        cleaned = " ".join(text.split())[:MAX_TOPIC]
        if not re.search(r"[^\W\d_]{2}", cleaned):
            return self._ask(flow, "topic", "booking_topic_not_read", understood=False,
                             suggestions=self._topics())
        best = process.extractOne(cleaned, self._topics(), scorer=fuzz.WRatio)
        # A topic of the list is kept as its title; free words are stored masked.
        chosen = best[0] if best and best[1] >= TOPIC_SCORE else mask_text(cleaned)
        flow.slots["topic"] = chosen
        day, wanted = flow.slots.pop("wanted", (None, None))
        if day is None:
            return self._ask_day(flow, "booking_ask_date")
        return self._take_day(flow, day, wanted)

    def _ask_day(self, flow: Flow, key: str, **values) -> Step:
        slots = self._slots(flow.slots["office"])
        days = tuple(format_day(day) for day in slots.next_days(SHOWN_DAYS))
        flow.asking = "day"
        return Step(self.store.message(key, **values), done=False, suggestions=days)

    def _read_day(self, flow: Flow, text: str) -> Step:
        day = parse_day(text, self.clock().date())
        if day is None:
            return self._ask_day_again(flow, "booking_date_not_read")
        return self._take_day(flow, day)

    def _take_day(self, flow: Flow, day: date, wanted: time | None = None) -> Step:
        """The day if the office receives then, and the time if one was said already."""
        slots = self._slots(flow.slots["office"])
        problem = slots.day_problem(day)
        if problem:
            # A date was read: the refusal is an answer, not a reason to leave the flow.
            return self._ask_day(
                flow, DAY_KEYS[problem], date=format_day(day), days=BOOKING_DAYS,
                last=format_day(slots.last_day()),
                closed=cell(flow.slots["office"].get("closed_days")) or "—",
            )
        flow.slots["day"] = day
        if wanted is not None:
            return self._take_time(flow, wanted, said_before=True)
        return self._ask_time(flow, "booking_ask_time")

    def _ask_day_again(self, flow: Flow, key: str, **values) -> Step:
        step = self._ask_day(flow, key, **values)
        return Step(step.text, done=False, understood=False,
                    suggestions=step.suggestions)

    def _ask_time(self, flow: Flow, key: str, understood: bool = True,
                  **values) -> Step:
        day: date = flow.slots["day"]
        free = self._slots(flow.slots["office"]).free(day)
        times = tuple(format_time(slot) for slot in free[:SHOWN_TIMES])
        flow.asking = "time"
        text = self.store.message(key, date=format_day(day), **values)
        return Step(text, done=False, understood=understood, suggestions=times)

    def _read_time(self, flow: Flow, text: str) -> Step:
        if parse_day(text, self.clock().date()):
            return self._read_day(flow, text)
        wanted = parse_time(text)
        if wanted is None:
            return self._ask_time(flow, "booking_time_not_read", understood=False)
        return self._take_time(flow, wanted)

    def _take_time(self, flow: Flow, wanted: time, said_before: bool = False) -> Step:
        """The time if it is free; said_before: named in the opening message, so the
        reply confirms it before asking the name."""
        slots = self._slots(flow.slots["office"])
        problem = slots.time_problem(flow.slots["day"], wanted)
        if problem:
            # A time was read: refused, but still an answer to the question.
            return self._ask_time(flow, TIME_KEYS[problem],
                                  time=wanted.strftime("%H:%M"),
                                  hours=flow.slots["office"]["hours"])
        flow.slots["time"] = wanted
        if flow.slots["mode"] == "move":
            return self._move(flow)
        if said_before:
            return self._ask(flow, "name", "booking_ask_name_slot_free",
                             date=format_day(flow.slots["day"]), time=format_time(wanted))
        return self._ask(flow, "name", "booking_ask_name")

    def _read_name(self, flow: Flow, text: str) -> Step:
        name = " ".join(text.split())
        if not NAME_PATTERN.match(name) or len(name) > 60:
            return self._ask(flow, "name", "booking_name_not_read", understood=False)
        flow.slots["name"] = name.title()
        return self._ask(flow, "phone", "booking_ask_phone")

    def _read_phone(self, flow: Flow, text: str) -> Step:
        match = PHONE_PATTERN.search(text)
        if not match:
            return self._ask(flow, "phone", "booking_phone_not_read", understood=False)
        return self._book(flow, match.group())

    def _book(self, flow: Flow, phone: str) -> Step:
        office, slot = flow.slots["office"], self._slot_start(flow)
        try:
            booking = self.book().book(office["office_id"], slot.replace(tzinfo=None),
                                       flow.slots["topic"], flow.slots["name"], phone,
                                       self._naive_now())
        except SlotTakenError:
            return self._slot_just_taken(flow, slot)
        log.info("booked a consultation at office %s", office["office_id"])
        self._trust(flow, booking.code)
        text = self._booking_text("booking_done", booking, office)
        if is_unconfirmed(office):
            text += "\n" + self.store.message("booking_office_unconfirmed")
        return Step(text)

    def _slot_just_taken(self, flow: Flow, slot: datetime) -> Step:
        log.info("slot %s was taken by another client meanwhile", slot)
        return self._ask_time(flow, "booking_slot_just_taken", understood=True,
                              time=format_time(slot))

    def _slot_start(self, flow: Flow) -> datetime:
        day, wanted = flow.slots["day"], flow.slots["time"]
        return datetime.combine(day, wanted, tzinfo=self.clock().tzinfo)

    # Cancelling and moving by code.

    def _read_code(self, flow: Flow, text: str, answering: bool) -> Step:
        match = CODE_PATTERN.search(text)
        if not match:
            return self._ask(flow, "code", "booking_code_missing",
                             understood=not answering)
        code = match.group(1).upper()
        booking = self.book().find(code)
        if booking is None:
            return self._code_not_found(flow, code, answering)
        if code in flow.notes.get("own_codes", ()):
            return self._change(flow, booking)
        if self._checks_locked(flow, code):
            log.info("booking change refused: too many wrong phone digits")
            return Step(self.store.message("booking_check_locked"))
        flow.slots["code"] = code
        return self._ask(flow, "phone_last4", "booking_ask_phone_digits")

    def _code_not_found(self, flow: Flow, code: str, answering: bool) -> Step:
        cancelled = self.book().cancelled_at(code)
        if cancelled is not None:
            text = self.store.message("booking_already_cancelled", code=code,
                                      date=format_day(cancelled))
            return Step(text, suggestions=(self.store.message("booking_book_again"),))
        flow.asking = "code"
        text = self.store.message("booking_code_unknown", code=code)
        return Step(text, done=False, understood=not answering)

    def _read_phone_digits(self, flow: Flow, text: str) -> Step:
        match = PHONE_DIGITS_PATTERN.search(text)
        if not match:
            return self._ask(flow, "phone_last4", "booking_phone_digits_not_read",
                             understood=False)
        code = flow.slots["code"]
        booking = self.book().find(code)
        if booking is None:
            return self._code_not_found(flow, code, answering=True)
        if phone_matches(booking, match.group(1)):
            self._trust(flow, code)
            return self._change(flow, booking)
        return self._wrong_digits(flow, code)

    def _wrong_digits(self, flow: Flow, code: str) -> Step:
        self.book().count_failed_check(code, self._naive_now())
        failures = flow.notes.get("check_failures", 0) + 1
        flow.notes["check_failures"] = failures
        log.info("booking phone check failed, attempt %d of %d", failures,
                 MAX_CHECK_FAILURES)
        if self._checks_locked(flow, code):
            return Step(self.store.message("booking_check_locked"))
        left = MAX_CHECK_FAILURES - failures
        return self._ask(flow, "phone_last4", "booking_phone_digits_wrong", left=left)

    def _checks_locked(self, flow: Flow, code: str) -> bool:
        if flow.notes.get("check_failures", 0) >= MAX_CHECK_FAILURES:
            return True
        since = self._naive_now() - CODE_LOCK
        return self.book().failed_checks(code, since) >= MAX_CODE_FAILURES

    def _trust(self, flow: Flow, code: str) -> None:
        """This chat made the booking or knew its phone: no more checks for the code."""
        flow.notes.setdefault("own_codes", set()).add(code)

    def _change(self, flow: Flow, booking: Booking) -> Step:
        office = self._office(booking.office_id)
        if flow.slots["mode"] == "cancel":
            self.book().cancel(booking.code, self._naive_now())
            return Step(self._booking_text("booking_cancelled", booking, office))
        flow.slots.update(code=booking.code, office=office)
        return self._ask_day(flow, "booking_ask_new_date",
                             **self._booking_values(booking, office))

    def _move(self, flow: Flow) -> Step:
        slot = self._slot_start(flow)
        try:
            booking = self.book().move(flow.slots["code"], slot.replace(tzinfo=None))
        except SlotTakenError:
            return self._slot_just_taken(flow, slot)
        except KeyError:
            step = self._code_not_found(flow, flow.slots["code"], answering=True)
            return Step(step.text, suggestions=step.suggestions)
        return Step(self._booking_text("booking_moved", booking, flow.slots["office"]))

    # Shared pieces.

    def _office(self, office_id: str) -> dict:
        offices = self.store.table("offices")
        rows = offices[offices["office_id"] == office_id].to_dict("records")
        if not rows:
            raise LookupError(f"office {office_id!r} of a booking is not in the "
                              "directory; rebuild the store: make build")
        return rows[0]

    def _naive_now(self) -> datetime:
        """Now as the bookings database keeps times: naive Moscow time."""
        return self.clock().replace(tzinfo=None)

    def _slots(self, office: dict) -> OfficeSlots:
        return OfficeSlots(office, self.book(), self.clock())

    def _booking_values(self, booking: Booking, office: dict) -> dict:
        return {
            "code": booking.code,
            "office": office["name"],
            "address": f"{office['town']}, {office['address']}",
            "date": format_day(booking.slot_start),
            "time": format_time(booking.slot_start),
            "topic": booking.topic,
        }

    def _booking_text(self, key: str, booking: Booking, office: dict) -> str:
        return self.store.message(key, **self._booking_values(booking, office))

    def _ask(self, flow: Flow, slot: str, key: str, understood: bool = True,
             suggestions: tuple[str, ...] = (), **values) -> Step:
        flow.asking = slot
        return Step(self.store.message(key, **values), done=False, understood=understood,
                    suggestions=suggestions)
