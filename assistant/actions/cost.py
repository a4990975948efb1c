"""Cost of a connection: which fee rule applies to the client's case, and the figure
where the data holds a confirmed rate (data/kb/fee_rules.csv)."""

from .base import Flow, Step
from .casework import CaseAction
from .fees import quote
from .phrasebook import compose, format_kw, format_rubles, text
from .recall import corrected_line, is_correction, recall, recalled_line
from .rules import UNKNOWN, find_rule, in_force
from .views import rows
from .vocabulary import Vocabulary, find_values, message_lemmas

PERMANENT, TEMPORARY = "permanent", "temporary"
TEMPORARY_LABEL, PRIMARY_LABEL = "temporary_cost", "tp_primary_cost"
# Both named («временное подключение для стройки дома»): the rarer kind is meant.
CONNECTION_PRIORITY = (TEMPORARY, PERMANENT)


class CostAction(CaseAction):
    name = "connection_cost"
    labels = frozenset({"tp_primary_cost", "capacity_increase_cost", "temporary_cost"})
    prefix = "cost_"

    def start(self, flow: Flow, message: str) -> Step:
        flow.slots["increase"] = flow.label == "capacity_increase_cost"
        named = self.read_case(flow, message)
        if "connection" not in flow.slots:
            self.read_connection_context(flow)
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

    def read_words(self, flow: Flow, words: list[str]) -> dict:
        found = super().read_words(flow, words)
        connection = connection_named(self.phrases(), words)
        if connection:
            found["connection"] = connection
        return found

    def read_connection_context(self, flow: Flow) -> None:
        """The kind of connection from the client's earlier words, else from the topic.

        A home's connection is what most clients mean: the model's temporary topic alone,
        from «сколько стоит подключение», is asked about rather than assumed."""
        for earlier in reversed(flow.context):
            connection = connection_named(self.phrases(), message_lemmas(earlier))
            if connection:
                flow.slots["connection"] = connection
                return
        if flow.label != TEMPORARY_LABEL:
            flow.slots["connection"] = PERMANENT

    def settle_connection(self, flow: Flow) -> None:
        """The label of the kind of connection the client named; «не знаю» is a home's."""
        if flow.slots["connection"] == UNKNOWN:
            flow.slots["connection"] = PERMANENT
            flow.slots["connection_assumed"] = True
        if flow.slots["connection"] == TEMPORARY:
            flow.label = TEMPORARY_LABEL
            flow.slots["increase"] = False
        elif flow.label == TEMPORARY_LABEL:
            flow.label = PRIMARY_LABEL

    def corrects(self, text: str) -> bool:
        return is_correction(self, text)

    def variant(self, flow: Flow, slot: str) -> str:
        return "_increase" if slot == "kw" and flow.slots.get("increase") else ""

    def next_step(self, flow: Flow) -> Step:
        early = self.settled(flow)
        if early:
            return early

        if "connection" not in flow.slots:
            return self.ask(flow, "connection")
        self.settle_connection(flow)
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
        if slots.get("connection_assumed"):
            assumed = ("connection", *assumed)
        bullets += [
            text(self.store, f"{self.prefix}assumed_{slot}") for slot in assumed
        ]
        if slots.get("increase"):
            bullets.append(text(self.store, "fee_increase_total"))
        if slots["connection"] == PERMANENT:
            bullets.append(text(self.store, "fee_includes_meter"))
        return compose(headline, bullets, text(self.store, "fee_next_step"))


def connection_named(phrases: Vocabulary, words: list[str]) -> str | None:
    """«Временное», «для дома»: the kind of connection the words name, or None."""
    named = set(find_values(phrases, "connection", words))
    return next((kind for kind in CONNECTION_PRIORITY if kind in named), None)
