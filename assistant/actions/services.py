"""Services: is there such a service, its price, its time and how to order it, found
by a fuzzy search of the catalogue (data/kb/services.csv, service_synonyms.csv)."""

from functools import lru_cache

from ..mask_patterns import read_rows
from .base import Action, Flow, Step
from .catalogue import (
    best_targets,
    is_elsewhere,
    query_words,
    search_pairs,
    service_fillers,
)
from .phrasebook import compose, phrase, text
from .vocabulary import Phrase, Vocabulary, first_value, message_lemmas

ASPECTS = {
    "services_availability": "availability",
    "services_cost": "cost",
    "services_execution_time": "time",
    "services_apply": "apply",
}
# Catalogue rows a client may be told exist; «L» rows are only offered as unconfirmed.
ASSERTED = frozenset({"H", "M"})
HEADLINES = {
    "cost": "svc_cost_headline",
    "time": "svc_time_headline",
    "apply": "svc_apply_headline",
}
# The same headline when the catalogue holds no figure for what was asked.
UNKNOWN_HEADLINES = {
    "cost": ("price", "svc_cost_headline_unknown"),
    "time": ("time", "svc_time_headline_unknown"),
}
# Details after the headline, per aspect: what the catalogue says beyond the question.
UNKNOWN_KEYS = frozenset(key for _, key in UNKNOWN_HEADLINES.values())
DETAILS = {
    "availability": ("price", "time"),
    "cost": ("time",),
    "time": ("price",),
    "apply": ("price", "time"),
}
DETAIL_KEYS = {"price": "svc_price", "time": "svc_time"}
# A price or term the catalogue does not know is written as a dash.
NOT_KNOWN = frozenset({"", "—", "-"})
QUESTION_SLOT = "service_question"


class ServiceAction(Action):
    name = "services"
    labels = frozenset(ASPECTS)

    def claim(self, message: str) -> str | None:
        """The services topic of a message asked the way a service is asked about
        («есть ли у вас …», «сколько стоит …») that names a service of the catalogue."""
        label = first_value(question_phrases(), QUESTION_SLOT, message_lemmas(message))
        if label is None:
            return None
        found = best_targets(self.query(message), search_pairs(self.store))
        if not found or any(is_elsewhere(candidate.target) for candidate in found):
            return None
        return label

    def query(self, message: str) -> str:
        return query_words(message, service_fillers(self.store))

    def start(self, flow: Flow, text: str) -> Step:
        return self.find(flow, text, first=True)

    def resume(self, flow: Flow, text: str) -> Step:
        return self.find(flow, text, first=False)

    def find(self, flow: Flow, message: str, first: bool) -> Step:
        query = self.query(message)
        services = {service.service_id: service for service in self.store.services()}
        offered = flow.slots.get("offered")
        pairs = search_pairs(self.store)
        if offered:
            pairs = [pair for pair in pairs if pair[0] in offered]
        found = best_targets(query, pairs)

        if not query.strip() and first:
            return self.ask(flow, "svc_ask_which")
        if not found:
            return self.unknown(first)
        if len(found) > 1:
            flow.slots["offered"] = [candidate.target for candidate in found]
            names = tuple(
                services[c.target].name for c in found if c.target in services
            )
            return Step(
                text=text(self.store, "svc_choose"), done=False, suggestions=names
            )
        target = found[0].target
        if is_elsewhere(target):
            return Step(text=text(self.store, f"svc_{target}"))
        return Step(text=self.describe(services[target], ASPECTS[flow.label]))

    def ask(self, flow: Flow, key: str) -> Step:
        question = phrase(self.store, key)
        flow.asking = "service"
        return Step(text=question.text, done=False, suggestions=question.suggestions)

    def unknown(self, first: bool) -> Step:
        body = text(self.store, "svc_unknown")
        # A later message that names nothing known may be a new question altogether.
        return Step(
            text=compose(body, [], text(self.store, "svc_unknown_next_step")),
            understood=first,
        )

    def describe(self, service, aspect: str) -> str:
        """Yes or the figure first, what the catalogue knows, then how to order it."""
        values = {
            "name": service.name,
            "price": service.price,
            "duration": service.execution_time,
            "ordering": service.how_to_order,
        }
        known = {
            "price": service.price.strip() not in NOT_KNOWN,
            "time": service.execution_time.strip() not in NOT_KNOWN,
        }
        confirmed = service.confidence in ASSERTED
        key = headline_key(aspect, confirmed, known)
        headline = text(self.store, key, **values)
        # Without the figure asked for, what the catalogue does know is the answer.
        described = aspect == "availability" or key in UNKNOWN_KEYS
        bullets = [service.description] if described else []
        bullets += self.details(aspect, values, known, confirmed)
        # An apply answer already says how to order; the others end with the service's way.
        next_key = "svc_next_step" if aspect == "apply" else "svc_order"
        return compose(headline, bullets, text(self.store, next_key, **values))

    def details(self, aspect: str, values: dict, known: dict, confirmed: bool) -> list:
        """Price and term beyond the question; what the catalogue lacks is said once."""
        if not confirmed:
            # An unconfirmed service's headline already says its terms are not known.
            return [text(self.store, "svc_estimate")] if known["price"] else []
        wanted = DETAILS[aspect]
        lines = [
            text(self.store, DETAIL_KEYS[detail], **values)
            for detail in wanted
            if known[detail]
        ]
        missing = [detail for detail in wanted if not known[detail]]
        if missing:
            lines.append(text(self.store, "svc_not_known_" + "_".join(missing)))
        return lines


def headline_key(aspect: str, confirmed: bool, known: dict) -> str:
    if aspect in UNKNOWN_HEADLINES:
        detail, key = UNKNOWN_HEADLINES[aspect]
        if not known[detail]:
            return key
    if aspect in HEADLINES:
        return HEADLINES[aspect]
    return "svc_offered" if confirmed else "svc_unconfirmed"


@lru_cache(maxsize=1)
def question_phrases() -> Vocabulary:
    """How a service is asked about (resources/service_questions.tsv), as slot phrases."""
    pairs = read_rows("service_questions.tsv")
    return Vocabulary(
        [Phrase(QUESTION_SLOT, label, tuple(words.split())) for label, words in pairs]
    )
