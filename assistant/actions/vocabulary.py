"""Slot words from data/kb/slot_words.csv: which phrase of a message means which value.

A phrase is a run of lemmas («льготный категория»); a lemma ending in «*» matches any
word it starts («многодет*»). Long single words also match with a typo or two.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz

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


def load_phrases(words: list[dict]) -> list[Phrase]:
    return [
        Phrase(row["slot"], row["value"], tuple(row["phrase"].split())) for row in words
    ]


def build_slot_phrases(store: KnowledgeStore) -> list[Phrase]:
    return load_phrases(rows(store, "slot_words"))


def slot_phrases(store: KnowledgeStore) -> list[Phrase]:
    """Every slot phrase of data/kb/slot_words.csv, kept per load of the store."""
    return view(store, "slot_phrases", build_slot_phrases)


def message_lemmas(text: str) -> list[str]:
    return lemmas(normalize(text))


def part_matches(part: str, word: str) -> bool:
    if part.endswith(PREFIX_MARK):
        return word.startswith(part[:-1])
    if part == word:
        return True
    return len(part) >= TYPO_MIN_LENGTH and fuzz.ratio(part, word) >= TYPO_SCORE


def phrase_position(phrase: Phrase, words: list[str]) -> int | None:
    """Where the phrase first occurs in the message lemmas, or None."""
    first, rest = phrase.parts[0], phrase.parts[1:]
    for start in range(len(words) - len(rest)):
        if not part_matches(first, words[start]):
            continue
        following = words[start + 1 : start + 1 + len(rest)]
        if all(
            part_matches(part, word) for part, word in zip(rest, following, strict=True)
        ):
            return start
    return None


def find_values(phrases: list[Phrase], slot: str, words: list[str]) -> list[str]:
    """Values of the slot the message names, in the order they appear."""
    found: list[tuple[int, int, str]] = []
    for phrase in phrases:
        if phrase.slot != slot:
            continue
        position = phrase_position(phrase, words)
        if position is not None:
            # A longer phrase at the same place wins: «не знать» over «знать».
            found.append((position, -len(phrase.parts), phrase.value))
    ordered = [value for _, _, value in sorted(found)]
    return list(dict.fromkeys(ordered))


def first_value(phrases: list[Phrase], slot: str, words: list[str]) -> str | None:
    values = find_values(phrases, slot, words)
    return values[0] if values else None
