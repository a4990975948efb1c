"""What the cost and deadline flows share: reading the case from every message and
asking for the one slot a rule table still needs.

Slots: kw (total kW at the point), kw_existing (held before an increase), applicant
(person, social, entrepreneur, company), voltage_kv, distance («15», «300», «500»,
«far»), each possibly «unknown» when the client does not know.
"""

import logging

from .base import Action, Flow, Step
from .phrasebook import phrase
from .quantities import (
    LOW_VOLTAGE_KV,
    read_bare_number,
    read_bare_voltage,
    read_kw,
    read_kw_change,
    read_metres,
    read_voltage,
)
from .recall import is_correction, remember
from .rules import UNKNOWN
from .vocabulary import find_values, first_value, message_lemmas, slot_phrases

log = logging.getLogger(__name__)

# Plausible requested power: a figure outside is a typo or a joke, asked again.
MIN_KW, MAX_KW = 0.1, 100_000.0
# Unreadable answers to one question before the flow gives its general answer.
MAX_ATTEMPTS = 2
# «Больше 150 кВт» must not fall under a «до 150 кВт» rule.
ABOVE_WORDS = ("больше", "свыше", "более", "выше")
ABOVE_STEP_KW = 0.01
# The special category is a person's too; the more specific word wins.
APPLICANT_PRIORITY = ("social", "entrepreneur", "company", "person")
METRE_BANDS = ((15, "15"), (300, "300"), (500, "500"))


class CaseAction(Action):
    """A flow that fills case slots; subclasses decide what the slots lead to."""

    prefix = ""

    def phrases(self):
        return slot_phrases(self.store)

    def read_case(self, flow: Flow, text: str) -> set[str]:
        """Put every slot the message names into flow.slots; returns the slots it named.

        «Не знаю» answers the slot being asked."""
        words = message_lemmas(text)
        found = {**self.read_numbers(flow, text, words), **self.read_words(flow, words)}
        flow.slots.update(found)
        if (
            flow.asking
            and flow.asking not in found
            and first_value(self.phrases(), "dont_know", words)
        ):
            flow.slots[flow.asking] = UNKNOWN
            found[flow.asking] = UNKNOWN
        return set(found)

    def read_numbers(self, flow: Flow, text: str, words: list[str]) -> dict:
        found = {}
        change = read_kw_change(text)
        kw = read_kw(text)
        if change:
            found["kw_existing"], kw = change
        if kw is None and flow.asking in ("kw", "kw_existing"):
            kw = read_bare_number(text)
        if kw is not None:
            if any(word in ABOVE_WORDS for word in words):
                kw += ABOVE_STEP_KW
            slot = (
                "kw_existing" if flow.asking == "kw_existing" and not change else "kw"
            )
            found[slot] = kw
        voltage = read_voltage(text)
        if voltage is None and flow.asking == "voltage_kv":
            voltage = read_bare_voltage(text)
        if voltage is not None:
            found["voltage_kv"] = voltage
        metres = read_metres(text)
        if metres is None and flow.asking == "distance":
            metres = read_bare_number(text)
        if metres is not None and metres >= 0:
            found["distance"] = distance_band(metres)
        return found

    def read_words(self, flow: Flow, words: list[str]) -> dict:
        phrases, found = self.phrases(), {}
        applicants = [
            value
            for value in APPLICANT_PRIORITY
            if value in set(find_values(phrases, "applicant", words))
        ]
        if applicants:
            found["applicant"] = applicants[0]
        if first_value(phrases, "low_voltage", words):
            found["voltage_kv"] = LOW_VOLTAGE_KV
        distance = first_value(phrases, "distance", words)
        if distance is None and flow.asking == "distance":
            distance = first_value(phrases, "distance_answer", words)
        if distance:
            found["distance"] = distance
        return found

    def bad_kw(self, flow: Flow) -> str | None:
        """The kW slot out of range, removed from the flow so that it is asked again."""
        for slot in ("kw", "kw_existing"):
            value = flow.slots.get(slot)
            if value is not None and value != UNKNOWN and not MIN_KW <= value <= MAX_KW:
                if slot == "kw_existing" and value == 0:
                    continue
                del flow.slots[slot]
                return slot
        return None

    def read_answer(self, flow: Flow, message: str) -> set[str]:
        """The case slots an answer to flow.asking names; none when it asks something else.

        A longer message that leaves the asked slot open is another question («когда дадут
        свет на улице Садовой?» must not be read as an individual's case): what it seemed
        to say is dropped, and the dialog may take it as a new topic."""
        before = dict(flow.slots)
        named = self.read_case(flow, message)
        if not named or flow.asking in named or is_correction(self, message):
            return named
        flow.slots = before
        return set()

    def next_step(self, flow: Flow) -> Step:
        """The answer once the rule is settled, else the question for the next slot."""
        raise NotImplementedError

    def mark_correction(self, flow: Flow, named: set[str], message: str) -> None:
        """«Не 15, а 30 кВт» after the answer: the facts it changed, for the answer to name."""
        changed = {
            slot
            for slot in named
            if slot in flow.facts and flow.facts[slot] != flow.slots[slot]
        }
        if changed and is_correction(self, message):
            flow.slots["corrected"] = changed

    def step_and_remember(self, flow: Flow) -> Step:
        """The next step, then the case facts kept for the session's later flows."""
        # Remembered after the step: a power out of range is dropped there, not kept.
        step = self.next_step(flow)
        remember(flow)
        return step

    def ask(self, flow: Flow, slot: str, lead: str = "") -> Step:
        """Ask for one slot, with its quick replies."""
        flow.asking = slot
        question = phrase(
            self.store, f"{self.prefix}ask_{slot}{self.variant(flow, slot)}"
        )
        text = f"{lead}\n\n{question.text}" if lead else question.text
        return Step(
            text=text, done=False, understood=not lead, suggestions=question.suggestions
        )

    def variant(self, flow: Flow, slot: str) -> str:
        """A suffix of the question key for a case that needs other words."""
        return ""

    def retry(self, flow: Flow, slot: str) -> Step:
        """The answer did not fit: ask again, or give up after two tries."""
        flow.attempts += 1
        log.info(
            "flow %s could not read %s (attempt %d)", flow.action, slot, flow.attempts
        )
        if flow.attempts >= MAX_ATTEMPTS:
            return self.give_up(flow)
        return self.ask(flow, slot, lead=phrase(self.store, "calc_retry").text)

    def give_up(self, flow: Flow, understood: bool = False) -> Step:
        """The topic's general answer, so the client still leaves with the rule."""
        return Step(
            text=self.store.answer(flow.label).text, done=True, understood=understood
        )

    def settled(self, flow: Flow) -> Step | None:
        """A step that ends the questions early: a kW figure out of range or unknown."""
        bad = self.bad_kw(flow)
        if bad:
            return self.ask(flow, bad, lead=phrase(self.store, "calc_bad_kw").text)
        # Without the power no rule can be chosen; the general answer explains them all.
        if flow.slots.get("kw") == UNKNOWN:
            return self.give_up(flow, understood=True)
        return None


def distance_band(metres: float) -> str:
    for limit, band in METRE_BANDS:
        if metres <= limit:
            return band
    return "far"
