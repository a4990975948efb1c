"""Slot words from data/kb/slot_words.csv: which phrase of a message means which value.

A phrase is a run of lemmas («льготный категория»); a lemma ending in «*» matches any
word it starts («многодет*»). Long single words also match with a typo or two.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..store import KnowledgeStore
from ..text import lemmas, normalize
from .views import rows, view

PREFIX_MARK = "*"
TYPO_SCORE = 88
TYPO_MIN_LENGTH = 6


@dataclass(frozen=True)
class Phrase:
    slot: str
    value: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class SlotPhrases:
    """One slot's phrases with their parts sorted by how a word may match them."""

    phrases: tuple[Phrase, ...]
    prefixes: tuple[tuple[str, str], ...]
    exact: frozenset[str]
    typos: tuple[str, ...]

    @classmethod
    def of(cls, phrases: list[Phrase]) -> "SlotPhrases":
        parts = {part for phrase in phrases for part in phrase.parts}
        exact = frozenset(part for part in parts if not part.endswith(PREFIX_MARK))
        return cls(
            phrases=tuple(phrases),
            prefixes=tuple((part, part[:-1]) for part in parts if part.endswith(PREFIX_MARK)),
            exact=exact,
            typos=tuple(sorted(part for part in exact if len(part) >= TYPO_MIN_LENGTH)),
        )


class Vocabulary:
    """Phrases grouped by slot once, as every message is read for several slots."""

    def __init__(self, phrases: list[Phrase]) -> None:
        self.phrases = tuple(phrases)
        slots: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            slots.setdefault(phrase.slot, []).append(phrase)
        self._slots = {slot: SlotPhrases.of(chosen) for slot, chosen in slots.items()}

    def __iter__(self):
        return iter(self.phrases)

    def slot(self, name: str) -> SlotPhrases:
        return self._slots.get(name) or SlotPhrases.of([])


def build_slot_phrases(store: KnowledgeStore) -> Vocabulary:
    return Vocabulary([
        Phrase(row["slot"], row["value"], tuple(row["phrase"].split()))
        for row in rows(store, "slot_words")
    ])


def slot_phrases(store: KnowledgeStore) -> Vocabulary:
    """Every slot phrase of data/kb/slot_words.csv, kept per load of the store."""
    return view(store, "slot_phrases", build_slot_phrases)


def message_lemmas(text: str) -> list[str]:
    return lemmas(normalize(text))


def word_matches(chosen: SlotPhrases, words: list[str]) -> list[set[str]]:
    """The parts each word matches: a «stem*» part any word it starts, another part the
    same word or, from TYPO_MIN_LENGTH letters on, one within TYPO_SCORE.

    One rapidfuzz call per word scores every part that allows a typo, instead of one
    Python call per part and position: the flows read several slots of every message."""
    matches = []
    for word in words:
        found = {part for part, stem in chosen.prefixes if word.startswith(stem)}
        if word in chosen.exact:
            found.add(word)
        scored = process.extract(word, chosen.typos, scorer=fuzz.ratio,
                                 score_cutoff=TYPO_SCORE, limit=None)
        found.update(part for part, _, _ in scored)
        matches.append(found)
    return matches


def phrase_position(phrase: Phrase, matches: list[set[str]]) -> int | None:
    """Where the phrase first occurs, given the parts each message lemma matches."""
    first, rest = phrase.parts[0], phrase.parts[1:]
    for start in range(len(matches) - len(rest)):
        if first not in matches[start]:
            continue
        following = matches[start + 1 : start + 1 + len(rest)]
        if all(part in found for part, found in zip(rest, following, strict=True)):
            return start
    return None


def find_values(vocabulary: Vocabulary, slot: str, words: list[str]) -> list[str]:
    """Values of the slot the message names, in the order they appear."""
    chosen = vocabulary.slot(slot)
    if not chosen.phrases:
        return []
    matches = word_matches(chosen, words)
    found: list[tuple[int, int, str]] = []
    for phrase in chosen.phrases:
        position = phrase_position(phrase, matches)
        if position is not None:
            # A longer phrase at the same place wins: «не знать» over «знать».
            found.append((position, -len(phrase.parts), phrase.value))
    ordered = [value for _, _, value in sorted(found)]
    return list(dict.fromkeys(ordered))


def first_value(vocabulary: Vocabulary, slot: str, words: list[str]) -> str | None:
    values = find_values(vocabulary, slot, words)
    return values[0] if values else None
