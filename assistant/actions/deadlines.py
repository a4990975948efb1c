"""Review and implementation deadlines (data/kb/deadline_rules.csv), and the date a term
ends on, counted by the production calendar from the date the client names."""

from datetime import date

from .base import Flow, Step
from .casework import CaseAction
from .dates import format_date, read_date
from .phrasebook import compose, phrase, text
from .recall import (
    is_correction,
    recall,
    recall_start,
    recalled_line,
    remember_start,
)
from .rules import filled, find_rule
from .views import rows
from .workdays import add_period, calendar_confirmed

# Which rows of the table answer each topic.
STAGES = {
    "tp_primary_review_time": "offer",
    "capacity_increase_review_time": "offer",
    "temporary_review_time": "temporary",
    "tp_implementation_deadlines": "implementation",
    "docs_restoration_review_time": "docs",
}
# A term counted from a date this far back or ahead is a typo, not an application.
MAX_YEARS_APART = 5


class DeadlineAction(CaseAction):
    name = "deadlines"
    labels = frozenset(STAGES)
    prefix = "term_"

    def start(self, flow: Flow, message: str) -> Step:
        flow.slots["stage"] = STAGES[flow.label]
        self.read_case(flow, message)
        self.read_start(flow, message)
        recall(flow)
        return self.step_and_remember(flow)

    def resume(self, flow: Flow, message: str) -> Step:
        asked = flow.asking
        if asked == "start":
            return self.resume_date(flow, message)
        named = self.read_answer(flow, message)
        dated = self.read_start(flow, message)
        # A message naming other slots is not a failed answer: the question comes again.
        if not named and not dated:
            return self.retry(flow, asked)
        # A slot the client names now is no longer one taken from earlier turns.
        flow.recalled -= named
        return self.step_and_remember(flow)

    def read_correction(self, flow: Flow, message: str) -> bool:
        """«Нет, 30 кВт» instead of the date: the rule is chosen again for the new case."""
        flow.asking = None
        named = self.read_case(flow, message)
        flow.recalled -= named
        flow.asking = "start"
        return bool(named)

    def read_start(self, flow: Flow, message: str) -> bool:
        found = read_date(message, self.clock().date())
        if found is None or abs(found.year - self.clock().year) > MAX_YEARS_APART:
            return False
        flow.slots["start"] = found
        return True

    def corrects(self, text: str) -> bool:
        return is_correction(self, text)

    def resume_date(self, flow: Flow, message: str) -> Step:
        """The optional date after the rule was given: the due date, or a polite end."""
        dated = self.read_start(flow, message)
        # Only a short message corrects the case: a question in many words
        # («когда дадут свет на улице Садовой?») is a new one, which the dialog answers.
        if not dated and is_correction(self, message) and self.read_correction(flow, message):
            return self.step_and_remember(flow)
        if not dated:
            flow.attempts += 1
            if flow.attempts >= 2:
                return Step(
                    text=text(self.store, "term_date_skipped"), understood=False
                )
            unreadable = phrase(self.store, "term_date_unreadable")
            return Step(
                text=unreadable.text,
                done=False,
                understood=False,
                suggestions=unreadable.suggestions,
            )
        rule = self.match(flow).rule
        remember_start(flow, rule["counted_from"], flow.slots["start"])
        next_step = text(self.store, f"term_next_{flow.slots['stage']}")
        return Step(
            text=compose(self.due_line(rule, flow.slots["start"]), [], next_step)
        )

    def match(self, flow: Flow):
        stage = flow.slots["stage"]
        rules = [
            rule
            for rule in rows(self.store, "deadline_rules")
            if rule["stage"] == stage
        ]
        return find_rule(rules, flow.slots)

    def next_step(self, flow: Flow) -> Step:
        early = self.settled(flow)
        if early:
            return early

        match = self.match(flow)
        if match.missing:
            return self.ask(flow, match.missing)
        if match.rule is None:
            return self.give_up(flow)

        rule = match.rule
        start = flow.slots.get("start") or recall_start(flow, rule["counted_from"])
        recalled = recalled_line(self.store, flow, rule)
        bullets = [recalled] if recalled else []
        bullets += [
            text(self.store, f"{self.prefix}assumed_{slot}") for slot in match.assumed
        ]
        headline = text(self.store, rule["text_key"])
        next_step = text(self.store, f"term_next_{flow.slots['stage']}")
        if start is not None and filled(rule.get("amount_max")):
            remember_start(flow, rule["counted_from"], start)
            headline = f"{self.due_line(rule, start)}\n{headline}"
        elif filled(rule.get("amount_max")):
            # The rule is given; the date it falls on needs the client's own date.
            flow.asking = "start"
            ask = phrase(self.store, f"term_ask_start_{rule['counted_from']}")
            return Step(
                text=compose(headline, bullets, ask.text),
                done=False,
                suggestions=ask.suggestions,
            )
        return Step(text=compose(headline, bullets, next_step))

    def due_line(self, rule: dict, start: date) -> str:
        """«Срок истекает 24.11.2026» for one term, or both ends of a range."""
        unit = rule["unit"]
        low = add_period(start, int(float(rule["amount_min"])), unit)
        high = add_period(start, int(float(rule["amount_max"])), unit)
        key = f"term_due_{rule['counted_from']}" if low == high else "term_due_range"
        line = text(
            self.store,
            key,
            start=format_date(start),
            due=format_date(high),
            low=format_date(low),
        )
        if unit == "working_days" and not calendar_confirmed(start, high):
            line += " " + text(self.store, "term_calendar_unconfirmed")
        return line
