"""Review and implementation deadlines (data/kb/deadline_rules.csv), and the date a term
ends on, counted by the production calendar from the date the client names."""

from datetime import date

from .base import Flow, Step
from .casework import CaseAction
from .dates import format_date, read_date, read_impossible_date
from .phrasebook import compose, phrase, text
from .recall import (
    corrected_line,
    is_correction,
    named_facts,
    recall,
    recall_start,
    recalled_line,
    remember_start,
)
from .rules import filled, find_rule
from .views import rows
from .vocabulary import first_value, message_lemmas
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
# A date said with «договор», «оплатил» counts the works; with «заявка», «подал» the
# review. Such a date moves a flow of the other kind to its stage (and that stage's
# topic); restoring documents and a temporary connection keep their own date, whatever
# words come with it: the permanent connection's terms do not apply to them.
KIND_STAGES = {"contract": "implementation", "application": "offer"}
STAGE_LABELS = {
    "implementation": "tp_implementation_deadlines",
    "offer": "tp_primary_review_time",
}


class DeadlineAction(CaseAction):
    name = "deadlines"
    labels = frozenset(STAGES)
    prefix = "term_"

    def claim(self, text: str) -> str | None:
        """«Договор заключён 01.10.2026, когда подключите?» asks for the works' deadline,
        whatever topic the model reads in the contract words."""
        words = message_lemmas(text)
        asks_when = first_value(self.phrases(), "term_question", words)
        if not asks_when or self.date_kind(text) != "contract":
            return None
        return STAGE_LABELS["implementation"] if self.date_in(text) else None

    def start(self, flow: Flow, message: str) -> Step:
        flow.slots["stage"] = STAGES[flow.label]
        named = self.read_case(flow, message)
        self.read_start(flow, message)
        recall(flow)
        self.mark_correction(flow, named, message)
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

    def read_correction(self, flow: Flow, message: str) -> set[str]:
        """«Нет, 30 кВт» instead of the date: the rule is chosen again for the new case."""
        flow.asking = None
        named = self.read_case(flow, message)
        flow.recalled -= named
        flow.asking = "start"
        return named

    def date_in(self, message: str) -> date | None:
        found = read_date(message, self.clock().date())
        if found is None or abs(found.year - self.clock().year) > MAX_YEARS_APART:
            return None
        return found

    def date_kind(self, message: str) -> str | None:
        """«contract» or «application» by the words around a date, or None."""
        return first_value(self.phrases(), "date_kind", message_lemmas(message))

    def read_start(self, flow: Flow, message: str) -> bool:
        """The date the term counts from; a date of the other kind moves the stage."""
        found = self.date_in(message)
        if found is None:
            return False
        flow.slots["start"] = found
        kind = self.date_kind(message)
        stage = flow.slots["stage"]
        if kind and stage in STAGE_LABELS and kind not in self.counted_from(stage):
            flow.slots["stage"] = KIND_STAGES[kind]
            flow.label = STAGE_LABELS[KIND_STAGES[kind]]
            flow.slots["moved"] = kind
        return True

    def counted_from(self, stage: str) -> set[str]:
        return {
            rule["counted_from"]
            for rule in rows(self.store, "deadline_rules")
            if rule["stage"] == stage
        }

    def corrects(self, text: str) -> bool:
        return is_correction(self, text)

    def resume_date(self, flow: Flow, message: str) -> Step:
        """The optional date after the rule was given: the due date, or a polite end."""
        dated = self.read_start(flow, message)
        # Only a short message corrects the case: a question in many words
        # («когда дадут свет на улице Садовой?») is a new one, which the dialog answers.
        if not dated and is_correction(self, message):
            return self.resume_correction(flow, message)
        if dated and flow.slots.get("moved"):
            return self.step_and_remember(flow)
        if not dated:
            return self.date_again(flow, message)
        rule = self.match(flow).rule
        remember_start(flow, rule["counted_from"], flow.slots["start"])
        next_step = text(self.store, f"term_next_{flow.slots['stage']}")
        return Step(
            text=compose(self.due_line(rule, flow.slots["start"]), [], next_step)
        )

    def date_again(self, flow: Flow, message: str) -> Step:
        """A date the calendar lacks is asked again each time: the client is giving one.
        Other unreadable text is asked again once, then the flow lets the date go."""
        typed = read_impossible_date(message, self.clock().date())
        if typed:
            question = phrase(self.store, "term_date_impossible", typed=typed)
            return Step(
                text=question.text, done=False, suggestions=question.suggestions
            )
        flow.attempts += 1
        if flow.attempts >= 2:
            return Step(text=text(self.store, "term_date_skipped"), understood=False)
        unreadable = phrase(self.store, "term_date_unreadable")
        return Step(
            text=unreadable.text,
            done=False,
            understood=False,
            suggestions=unreadable.suggestions,
        )

    def resume_correction(self, flow: Flow, message: str) -> Step:
        """A fact instead of the date: the rule again, or a word that it stays the same."""
        before = self.match(flow).rule
        named = self.read_correction(flow, message)
        step = self.step_and_remember(flow)
        if not named or self.match(flow).rule is not before or flow.asking != "start":
            return step
        # The same rule twice reads as not heard: say what the new fact changes.
        facts = named_facts(self.store, flow, named)
        ask = phrase(self.store, f"term_ask_start_{before['counted_from']}")
        unchanged = text(self.store, "term_fact_unchanged", facts=facts)
        return Step(
            text=f"{unchanged}\n\n{ask.text}", done=False, suggestions=ask.suggestions
        )

    def lead_lines(self, flow: Flow, start: date | None) -> list[str]:
        """What the client's last message changed: a moved date, a corrected fact."""
        lines = []
        moved = flow.slots.pop("moved", None)
        if moved and start is not None:
            lines.append(text(self.store, f"term_{moved}_date", start=format_date(start)))
        corrected = corrected_line(self.store, flow)
        if corrected:
            lines.append(corrected)
        return lines

    def ask_after_leads(self, flow: Flow, slot: str) -> Step:
        """The next question, after what the last message changed, if anything."""
        question = self.ask(flow, slot)
        leads = self.lead_lines(flow, flow.slots.get("start"))
        if not leads:
            return question
        return Step(
            text="\n".join(leads) + f"\n\n{question.text}",
            done=False,
            suggestions=question.suggestions,
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
            return self.ask_after_leads(flow, match.missing)
        if match.rule is None:
            return self.give_up(flow)

        rule = match.rule
        start = flow.slots.get("start") or recall_start(flow, rule["counted_from"])
        recalled = recalled_line(self.store, flow, rule)
        flow.slots.pop("moved", None)  # the due line names the date itself
        bullets = self.lead_lines(flow, start)
        bullets += [recalled] if recalled else []
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
