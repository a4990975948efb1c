"""The status of the client's own application, shown only to whoever knows its phone.

The number alone reveals nothing: the last four digits of the applicant's phone must
match too, a mismatch reads exactly like an unknown number, and three failures end
the lookup for the rest of the session. After a failure the number is kept, so the
next four digits are another try for it.
"""

import logging
import re
import threading
from collections import defaultdict, deque
from datetime import date, datetime, timedelta
from functools import lru_cache

import pandas as pd

from ..mask_patterns import alternatives, vocabulary
from .base import Action, Flow, Step
from .moments import in_moscow

log = logging.getLogger(__name__)

MAX_FAILURES = 3
# Guessing one number's digits from many sessions: after this many failures a day the
# number is locked for everyone, whether or not it exists, so the lock reveals nothing.
MAX_NUMBER_FAILURES = 5
NUMBER_LOCK = timedelta(days=1)
DASHES = r"[\s\-–—]*"
# Without letters, as the chat's own hints write it: «26-171537». Only a dash joins
# the two parts: «26 171537» may be any two figures. The empty group stands for the
# missing letters, so both forms have the same three groups.
BARE_NUMBER = r"(?<![\w\-–—])()(\d{2})[\-–—](\d{6})(?!\d)"
LAST_DIGITS_PATTERN = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# Applications for additional services are numbered «У-…»; the rest are connections.
SERVICE_PREFIX = "У"
SERVICE_LABEL, CONNECTION_LABEL = "services_application_status", "tp_application_status"
DATE_FORMAT = "%d.%m.%Y"
WEEKEND = (5, 6)


def prefixed_number() -> str:
    """«ТП-26-171537», «тп 26 171537», «У-26-123456»: the letters the masking knows."""
    prefixes = alternatives(vocabulary()["APPLICATION", "prefix"])
    return rf"(?<![^\W\d_])({prefixes}){DASHES}(\d{{2}}){DASHES}(\d{{6}})(?!\d)"


@lru_cache(maxsize=1)
def number_patterns() -> tuple[re.Pattern, ...]:
    """The number with its letters, then without them."""
    return re.compile(prefixed_number(), re.IGNORECASE), re.compile(BARE_NUMBER)


def only_a_number() -> re.Pattern:
    """A message that is only a number, maybe with «№» before it and the digits after."""
    number = f"(?:{prefixed_number()}|{BARE_NUMBER})"
    return re.compile(rf"^\W*{number}(?:\W+\d{{4}})?\W*$", re.IGNORECASE)


class ApplicationStatusAction(Action):
    name = "application_status"
    labels = frozenset({CONNECTION_LABEL, SERVICE_LABEL})
    secret_slots = {"phone_last4": "PHONE"}
    # A number typed on its own, in any turn: after the lock, too, it must be told so.
    trigger = only_a_number()

    def __init__(self, store, clock) -> None:
        super().__init__(store, clock)
        self._failures_by_number: dict[str, deque[datetime]] = defaultdict(deque)
        self._failures_lock = threading.Lock()

    def start(self, flow: Flow, text: str) -> Step:
        if self.trigger.match(text or ""):
            # A number alone gives the model nothing to read; its letters tell the topic.
            flow.label = label_of(read_number(text))
        if self._locked(flow):
            return Step(self.store.message("status_locked"))
        return self._read(flow, text)

    def resume(self, flow: Flow, text: str) -> Step:
        if flow.asking == "phone_last4" and not read_number(text):
            digits = read_last_digits(text)
            if digits is None:
                return self._ask("status_phone_not_read", flow, "phone_last4", False)
            return self._check(flow, flow.slots["number"], digits)
        return self._read(flow, text, answering=True)

    def _read(self, flow: Flow, text: str, answering: bool = False) -> Step:
        number = read_number(text)
        if number is None:
            key = "status_number_not_read" if answering else "status_ask_number"
            return self._ask(key, flow, "number", not answering)
        flow.slots["number"] = number

        digits = read_last_digits(without_numbers(text))
        if digits is None:
            return self._ask("status_ask_phone", flow, "phone_last4", True)
        return self._check(flow, number, digits)

    def _ask(self, key: str, flow: Flow, slot: str, understood: bool) -> Step:
        flow.asking = slot
        return Step(self.store.message(key), done=False, understood=understood)

    def _check(self, flow: Flow, number: str, digits: str) -> Step:
        if self._number_locked(number):
            log.info("application lookup refused: the number is locked for a day")
            return Step(self.store.message("status_number_locked"))
        application = self._find(number, digits)
        if application is not None:
            return Step(self._status_text(application))

        self._count_number_failure(number)

        failures = flow.notes.get("failures", 0) + 1
        flow.notes["failures"] = failures
        log.info("application lookup failed, attempt %d of %d", failures, MAX_FAILURES)
        if failures >= MAX_FAILURES:
            return Step(self.store.message("status_locked"))
        # The number stays: four digits alone are the next try for it, a number
        # starts over, and either answer is kept out of the log.
        flow.asking = "phone_last4"
        left = MAX_FAILURES - failures
        return Step(self.store.message("status_not_matched", left=left), done=False)

    def _locked(self, flow: Flow) -> bool:
        return flow.notes.get("failures", 0) >= MAX_FAILURES

    def _recent_failures(self, number: str) -> deque[datetime]:
        """Failures of the number within the last day; older ones are dropped."""
        # Counted without the letters: «26-171537» is a try of «ТП-26-171537».
        failures = self._failures_by_number[serial_part(number)]
        while failures and failures[0] < self.clock() - NUMBER_LOCK:
            failures.popleft()
        return failures

    def _number_locked(self, number: str) -> bool:
        with self._failures_lock:
            return len(self._recent_failures(number)) >= MAX_NUMBER_FAILURES

    def _count_number_failure(self, number: str) -> None:
        with self._failures_lock:
            self._recent_failures(number).append(self.clock())

    def _find(self, number: str, digits: str) -> dict | None:
        """The application only when both its number and the phone digits match."""
        table = self.store.table("applications")
        numbers = table["application_no"].str.upper().str.replace("Ё", "Е")
        same_number = numbers == number
        if number == serial_part(number):
            same_number = numbers.str.endswith(f"-{number}")
        same = table[same_number & (table["phone_last4"].astype(str).str.strip() == digits)]
        return None if same.empty else same.iloc[0].to_dict()

    def _status_text(self, application: dict) -> str:
        changed = pd.Timestamp(application["status_changed_at"]).date()
        lines = [self.store.message("status_found", status=application["status"],
                                    changed=changed.strftime(DATE_FORMAT))]
        step = self._next_step(application)
        if step is not None:
            lines.append(step["next_step"])
            days = deadline_days(step, application)
            if days:
                lines.append(self._deadline_text(changed, days))
        snapshot_at = in_moscow(application["snapshot_at"])
        snapshot = snapshot_at.strftime(f"{DATE_FORMAT} %H:%M")
        lines.append(self.store.message("status_fresh", snapshot=snapshot))
        return "\n".join(lines)

    def _deadline_text(self, changed: date, days: int) -> str:
        """The step's deadline, or what to do when it has already passed."""
        deadline = add_working_days(changed, days)
        passed = deadline < self.clock().date()
        return self.store.message(
            "status_deadline_passed" if passed else "status_deadline",
            deadline=deadline.strftime(DATE_FORMAT),
            days=days,
            changed=changed.strftime(DATE_FORMAT),
        )

    def _next_step(self, application: dict) -> dict | None:
        """The row of application_statuses for this kind of application and status."""
        steps = self.store.table("application_statuses")
        for step in steps[steps["status"] == application["status"]].to_dict("records"):
            if application["kind"] in step["kinds"].split():
                return step
        log.warning("no next step for status %r of kind %r", application["status"],
                    application["kind"])
        return None


def find_number(text: str) -> re.Match | None:
    """The first application number of the text, with or without its letters."""
    found = [match for pattern in number_patterns() if (match := pattern.search(text))]
    return min(found, key=lambda match: match.start(), default=None)


def read_number(text: str) -> str | None:
    """The number as written in the snapshot: «тп 26 171537» → «ТП-26-171537»,
    «26-171537» stays without letters."""
    match = find_number(text or "")
    if not match:
        return None
    prefix, year, serial = match.groups()
    letters = prefix.upper().replace("Ё", "Е")
    return f"{letters}-{year}-{serial}" if letters else f"{year}-{serial}"


def serial_part(number: str) -> str:
    """«ТП-26-171537» → «26-171537»."""
    return "-".join(number.split("-")[-2:])


def label_of(number: str) -> str:
    return SERVICE_LABEL if number.startswith(f"{SERVICE_PREFIX}-") else CONNECTION_LABEL


def without_numbers(text: str) -> str:
    """The text with its application numbers blanked, so their digits are not read."""
    for pattern in number_patterns():
        text = pattern.sub(" ", text)
    return text


def read_last_digits(text: str) -> str | None:
    match = LAST_DIGITS_PATTERN.search(text or "")
    return match.group(1) if match else None


def deadline_days(step: dict, application: dict) -> int | None:
    """The step's term in working days, if it holds for this application's power."""
    days, limit = step.get("working_days"), step.get("max_power_kw")
    if pd.isna(days):
        return None
    power = application.get("power_kw")
    if not pd.isna(limit) and not pd.isna(power) and float(power) > float(limit):
        return None
    return int(days)


def add_working_days(start: date, days: int) -> date:
    """Weekends skipped; public holidays are not known here, the text says so."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() not in WEEKEND:
            days -= 1
    return current
