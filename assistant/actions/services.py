"""Services: is there such a service, its price, its time and how to order it, found
by a fuzzy search of the catalogue (data/kb/services.csv, service_synonyms.csv)."""

from .base import Action, Flow, Step
from .catalogue import (
    best_targets,
    is_elsewhere,
    query_words,
    search_pairs,
    service_fillers,
)
from .phrasebook import compose, phrase, text

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
# Details after the headline, per aspect: what the catalogue says beyond the question.
DETAILS = {
    "availability": ("svc_price", "svc_time"),
    "cost": ("svc_time",),
    "time": ("svc_price",),
    "apply": ("svc_price", "svc_time"),
}


class ServiceAction(Action):
    name = "services"
    labels = frozenset(ASPECTS)

    def start(self, flow: Flow, text: str) -> Step:
        return self.find(flow, text, first=True)

    def resume(self, flow: Flow, text: str) -> Step:
        return self.find(flow, text, first=False)

    def find(self, flow: Flow, message: str, first: bool) -> Step:
        query = query_words(message, service_fillers(self.store))
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
        values = {
            "name": service.name,
            "price": service.price,
            "duration": service.execution_time,
            "ordering": service.how_to_order,
        }
        confirmed = service.confidence in ASSERTED
        if aspect in HEADLINES:
            headline = text(self.store, HEADLINES[aspect], **values)
        else:
            headline = text(
                self.store, "svc_offered" if confirmed else "svc_unconfirmed", **values
            )
        bullets = [service.description] if aspect == "availability" else []
        if confirmed:
            bullets += [text(self.store, key, **values) for key in DETAILS[aspect]]
        else:
            bullets.append(text(self.store, "svc_estimate"))
        return compose(headline, bullets, text(self.store, "svc_next_step"))
