"""Who holds a named position, from the directory of publicly named managers
(data/kb/staff.csv) with the date the fact was seen; no private data of employees."""

from rapidfuzz import fuzz

from ..guard import has_known_word
from .base import Action, Flow, Step
from .phrasebook import compose, phrase, text
from .views import rows, view
from .vocabulary import find_values, message_lemmas, slot_phrases

# A word of a position matches a word of the question with a typo or two.
WORD_SCORE = 85
# An answer to «which position?» is a few words; a longer message is a new question.
POSITION_ANSWER_WORDS = 4
SYNONYM_SEPARATOR = "|"


class StaffAction(Action):
    name = "staff"
    labels = frozenset({"employees"})

    def start(self, flow: Flow, text: str) -> Step:
        return self.reply(flow, text, first=True)

    def resume(self, flow: Flow, text: str) -> Step:
        return self.reply(flow, text, first=False)

    def reply(self, flow: Flow, message: str, first: bool) -> Step:
        private = self.asks_private(message)
        person = self.find(message)
        # Asked for a phone, the refusal is the answer and comes first.
        lines = [text(self.store, "staff_private")] if private else []
        if person:
            lines.append(self.describe(person))
        if lines:
            return Step(
                text=compose(lines[0], lines[1:], text(self.store, "staff_next_step"))
            )
        if first:
            flow.asking = "position"
            question = phrase(self.store, "staff_ask")
            # «Кто главный инженер?» named a position: say it is not known before
            # the buttons, or they read as an answer to another question.
            lead = self.names_position(message)
            shown = f"{text(self.store, 'staff_unknown')}\n\n{question.text}"
            return Step(
                text=shown if lead else question.text,
                done=False,
                suggestions=question.suggestions,
            )
        if not has_known_word(message):
            return self.not_a_position(flow)
        unknown = text(self.store, "staff_unknown")
        named_a_position = (flow.asking == "position"
                            and len(message.split()) <= POSITION_ANSWER_WORDS)
        return Step(
            text=compose(
                unknown,
                [text(self.store, "staff_private")],
                text(self.store, "staff_next_step"),
            ),
            understood=named_a_position,
        )

    def not_a_position(self, flow: Flow) -> Step:
        """Made-up words are no position: asked again once, then the flow is left."""
        flow.attempts += 1
        if flow.attempts > 1:
            return Step(text=text(self.store, "staff_left"))
        question = phrase(self.store, "staff_ask")
        return Step(
            text=f"{text(self.store, 'staff_not_position')}\n\n{question.text}",
            done=False,
            suggestions=question.suggestions,
        )

    def names_position(self, message: str) -> bool:
        phrases = slot_phrases(self.store)
        return bool(find_values(phrases, "staff_position", message_lemmas(message)))

    def asks_private(self, message: str) -> bool:
        phrases = slot_phrases(self.store)
        return bool(find_values(phrases, "staff_private", message_lemmas(message)))

    def find(self, message: str) -> dict | None:
        """The directory row whose position or synonym the message names most fully."""
        query = message_lemmas(message)
        best, best_size = None, 0
        for row, names in view(self.store, "staff_names", staff_names):
            for words in names:
                if len(words) > best_size and covered(words, query):
                    best, best_size = row, len(words)
        return best

    def describe(self, row: dict) -> str:
        values = {"position": row["position"], "name": row["name"], "seen": row["seen"]}
        if not isinstance(row["seen"], str) or not row["seen"]:
            return text(self.store, "staff_found_undated", **values)
        key = "staff_found" if row["current"] == "true" else "staff_found_former"
        return text(self.store, key, **values)


def staff_names(store) -> list[tuple[dict, list[list[str]]]]:
    """Each directory row with the lemmas of its position and synonyms."""
    named = []
    for row in rows(store, "staff"):
        names = [row["position"], *row["synonyms"].split(SYNONYM_SEPARATOR)]
        named.append((row, [message_lemmas(name) for name in names]))
    return named


def covered(name: list[str], query: list[str]) -> bool:
    """Every word of the name is in the question, give or take a typo."""
    return all(
        any(fuzz.ratio(word, asked) >= WORD_SCORE for asked in query) for word in name
    )
