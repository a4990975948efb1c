"""Fuzzy search of the services catalogue: names, descriptions and synonyms as lemmas.

The words every question about a service shares («есть ли», «сколько стоит») are dropped
first, so «есть ли у вас электролаборатория» is compared by «электролаборатория».
"""

from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from .vocabulary import find_values, load_phrases, message_lemmas

MATCH_SCORE = 80
# Two candidates this close are both offered as buttons instead of picking one.
TIE_MARGIN = 3
ELSEWHERE_PREFIX = "elsewhere_"


@dataclass(frozen=True)
class Candidate:
    target: str
    score: float


def lemma_text(text: str) -> str:
    return " ".join(message_lemmas(text))


def query_words(text: str, slot_words: pd.DataFrame) -> str:
    """The lemmas of the message that can name a service."""
    fillers = {
        phrase.parts[0]
        for phrase in load_phrases(slot_words)
        if phrase.slot == "service_filler"
    }
    return " ".join(word for word in message_lemmas(text) if word not in fillers)


def search_texts(services: list, synonyms: pd.DataFrame) -> list[tuple[str, str]]:
    """(target, lemma text) pairs to compare a query with."""
    pairs = [(service.service_id, lemma_text(service.name)) for service in services]
    pairs += [
        (row["target"], lemma_text(row["phrase"]))
        for row in synonyms.to_dict("records")
    ]
    return pairs


def score(query: str, candidate: str) -> float:
    """All query words inside a longer name score 100; a typo costs a few points."""
    if len(query) < 3:
        return 0.0
    return fuzz.token_set_ratio(query, candidate)


def best_targets(query: str, pairs: list[tuple[str, str]]) -> list[Candidate]:
    """Targets scoring at least MATCH_SCORE, best first, each once, ties kept."""
    best: dict[str, float] = {}
    for target, candidate in pairs:
        best[target] = max(best.get(target, 0.0), score(query, candidate))
    ranked = sorted(
        (Candidate(t, s) for t, s in best.items() if s >= MATCH_SCORE),
        key=lambda candidate: -candidate.score,
    )
    if not ranked:
        return []
    return [
        candidate
        for candidate in ranked
        if ranked[0].score - candidate.score <= TIE_MARGIN
    ]


def is_elsewhere(target: str) -> bool:
    return target.startswith(ELSEWHERE_PREFIX)


__all__ = [
    "Candidate",
    "best_targets",
    "find_values",
    "is_elsewhere",
    "query_words",
    "search_texts",
]
