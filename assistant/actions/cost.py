"""Cost of a connection: which fee rule applies to the client's case, and the figure
where the data holds a confirmed rate (data/kb/fee_rules.csv)."""

from .base import Flow, Step
from .casework import CaseAction
from .fees import quote
from .phrasebook import compose, format_kw, format_rubles, text
from .recall import corrected_line, is_correction, recall, recalled_line
from .rules import find_rule, in_force
from .views import rows

PERMANENT, TEMPORARY = "permanent", "temporary"


class CostAction(CaseAction):
    name = "connection_cost"
    labels = frozenset({"tp_primary_cost", "capacity_increase_cost", "temporary_cost"})
    prefix = "cost_"

    def start(self, flow: Flow, message: str) -> Step:
        flow.slots["connection"] = (
            TEMPORARY if flow.label == "temporary_cost" else PERMANENT
        )
        flow.slots["increase"] = flow.label == "capacity_increase_cost"
        named = self.read_case(flow, message)
        recall(flow)
        self.mark_correction(flow, named, message)
        return self.step_and_remember(flow)

    def resume(self, flow: Flow, message: str) -> Step:
        asked = flow.asking
        named = self.read_answer(flow, message)
        # A message naming other slots is not a failed answer: the question comes again.
        if not named:
            return self.retry(flow, asked)
        # A slot the client names now is no longer one taken from earlier turns.
        flow.recalled -= named
        return self.step_and_remember(flow)

    def corrects(self, text: str) -> bool:
        return is_correction(self, text)

    def variant(self, flow: Flow, slot: str) -> str:
        return "_increase" if slot == "kw" and flow.slots.get("increase") else ""

    def next_step(self, flow: Flow) -> Step:
        early = self.settled(flow)
        if early:
            return early

        connection = flow.slots["connection"]
        rules = [
            rule
            for rule in rows(self.store, "fee_rules")
            if rule["connection"] == connection
        ]
        rules = in_force(rules, self.clock().date())
        match = find_rule(rules, flow.slots)
        if match.missing:
            return self.ask(flow, match.missing)
        if match.rule is None:
            return self.give_up(flow)

        offer = quote(match.rule, flow.slots)
        if offer.missing:
            return self.ask(flow, offer.missing)
        return Step(text=self.answer(flow, match.rule, offer, match.assumed))

    def answer(self, flow: Flow, rule: dict, offer, assumed: tuple[str, ...]) -> str:
        """The rule first, the figure or the reason there is none, then the details."""
        slots = flow.slots
        values = {"kw": format_kw(slots["kw"]) if "kw" in slots else ""}
        if offer.fee is not None:
            values.update(fee=format_rubles(offer.fee), rate=format_rubles(offer.rate))
        headline = text(self.store, rule["text_key"], **values)

        also = ("kw_existing",) if slots.get("increase") else ()
        recalled = recalled_line(self.store, flow, rule, also)
        bullets = [recalled] if recalled else []
        corrected = corrected_line(self.store, flow)
        if corrected:
            bullets.insert(0, corrected)
        if offer.fee is None:
            bullets.append(text(self.store, "fee_rate_unconfirmed"))
        bullets += [
            text(self.store, f"{self.prefix}assumed_{slot}") for slot in assumed
        ]
        if slots.get("increase"):
            bullets.append(text(self.store, "fee_increase_total"))
        if slots["connection"] == PERMANENT:
            bullets.append(text(self.store, "fee_includes_meter"))
        return compose(headline, bullets, text(self.store, "fee_next_step"))
