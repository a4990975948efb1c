"""Fuzzy search of the services catalogue: names, descriptions and synonyms as lemmas.

The words every question about a service shares («есть ли», «сколько стоит») are dropped
first, so «есть ли у вас электролаборатория» is compared by «электролаборатория».
"""

from dataclasses import dataclass

from rapidfuzz import fuzz

from ..store import KnowledgeStore
from .views import rows, view
from .vocabulary import message_lemmas, slot_phrases

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


def query_words(text: str, fillers: set[str]) -> str:
    """The lemmas of the message that can name a service."""
    return " ".join(word for word in message_lemmas(text) if word not in fillers)


def build_fillers(store: KnowledgeStore) -> set[str]:
    phrases = slot_phrases(store)
    return {phrase.parts[0] for phrase in phrases if phrase.slot == "service_filler"}


def service_fillers(store: KnowledgeStore) -> set[str]:
    """Words every question about a service shares, kept per load of the store."""
    return view(store, "service_fillers", build_fillers)


def search_texts(services: list, synonyms: list[dict]) -> list[tuple[str, str]]:
    """(target, lemma text) pairs to compare a query with."""
    pairs = [(service.service_id, lemma_text(service.name)) for service in services]
    pairs += [(row["target"], lemma_text(row["phrase"])) for row in synonyms]
    return pairs


def build_search_pairs(store: KnowledgeStore) -> list[tuple[str, str]]:
    return search_texts(store.services(), rows(store, "service_synonyms"))


def search_pairs(store: KnowledgeStore) -> list[tuple[str, str]]:
    """The catalogue's names and synonyms as lemmas, kept per load of the store."""
    return view(store, "service_search", build_search_pairs)


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
