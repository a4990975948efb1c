"""Personal account help: one short sub-answer chosen by the message (registration,
login, applications, payment, documents, readings), or a question with buttons."""

from .base import Action, Flow, Step
from .phrasebook import phrase, text
from .vocabulary import find_values, message_lemmas, slot_phrases

# Two sub-answers at most: a message rarely asks more, and a chat bubble stays short.
MAX_PARTS = 2


class PersonalAccountAction(Action):
    name = "personal_account"
    labels = frozenset({"personal_account"})

    def topics(self, message: str) -> list[str]:
        phrases = slot_phrases(self.store)
        return find_values(phrases, "account_topic", message_lemmas(message))[
            :MAX_PARTS
        ]

    def start(self, flow: Flow, text: str) -> Step:
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
