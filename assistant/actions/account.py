"""Personal account help: one short sub-answer chosen by the message (registration,
login, applications, payment, documents, readings), or a question with buttons."""

from ..labels import OUT_OF_SCOPE
from .base import Action, Flow, Step
from .phrasebook import phrase, text
from .vocabulary import find_values, message_lemmas, slot_phrases

# Two sub-answers at most: a message rarely asks more, and a chat bubble stays short.
MAX_PARTS = 2


class PersonalAccountAction(Action):
    name = "personal_account"
    labels = frozenset({"personal_account"})

    def overrides(self, text: str) -> str | None:
        """A bill the model takes for a cost question: paying the connection invoice is
        done in the account; an electricity bill («счёт за свет») is the supplier's, whose
        contacts the out-of-scope answer gives."""
        words = message_lemmas(text)
        bill = set(find_values(slot_phrases(self.store), "bill", words))
        # A receipt («квитанция») is the supplier's bill by its very name.
        if not bill & {"invoice", "receipt"}:
            return None
        if bill & {"retail", "receipt"} and "connection" not in bill:
            return OUT_OF_SCOPE
        # «Какой счёт выставят за 15 кВт?» asks the cost: only paying one is ours here.
        return "personal_account" if "pay" in bill else None

    def start(self, flow: Flow, text: str) -> Step:
        # «Как оплатить счёт за подключение»: a bill routed here is about paying it.
        if self.overrides(text) == "personal_account" and not self.topics(text):
            return self.answer(["pay"])
        return self.start_topics(flow, text)

    def topics(self, message: str) -> list[str]:
        phrases = slot_phrases(self.store)
        return find_values(phrases, "account_topic", message_lemmas(message))[
            :MAX_PARTS
        ]

    def start_topics(self, flow: Flow, text: str) -> Step:
        topics = self.topics(text)
        if topics:
            return self.answer(topics)
        flow.asking = "account_topic"
        question = phrase(self.store, "pa_ask")
        return Step(text=question.text, done=False, suggestions=question.suggestions)

    def resume(self, flow: Flow, text: str) -> Step:
        topics = self.topics(text)
        if topics:
            return self.answer(topics)
        # Not one of the offered choices: the general answer, and the message may be
        # taken as a new question.
        return Step(text=self.store.answer(flow.label).text, understood=False)

    def answer(self, topics: list[str]) -> Step:
        return Step(
            text="\n\n".join(text(self.store, f"pa_{topic}") for topic in topics)
        )
