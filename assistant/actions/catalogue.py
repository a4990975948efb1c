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
# Among such ties, a name that leaves many query words unexplained drops out: for
# «опломбирование прибора учёта» the synonym «прибор учёта» of meter replacement also
# scores 100, but compared word for word it is far behind the sealing service.
CLOSENESS_MARGIN = 25
ELSEWHERE_PREFIX = "elsewhere_"


@dataclass(frozen=True)
class Candidate:
    target: str
    score: float
    # All words compared in order: how much of the query the name explains.
    closeness: float = 0.0


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
    best: dict[str, Candidate] = {}
    for target, candidate in pairs:
        found = Candidate(
            target, score(query, candidate), fuzz.token_sort_ratio(query, candidate)
        )
        kept = best.get(target)
        if kept is None or (found.score, found.closeness) > (kept.score, kept.closeness):
            best[target] = found
    ranked = sorted(
        (candidate for candidate in best.values() if candidate.score >= MATCH_SCORE),
        key=lambda candidate: (-candidate.score, -candidate.closeness),
    )
    ties = [
        candidate
        for candidate in ranked
        if ranked[0].score - candidate.score <= TIE_MARGIN
    ]
    closest = max((candidate.closeness for candidate in ties), default=0.0)
    return [
        candidate
        for candidate in ties
        if closest - candidate.closeness <= CLOSENESS_MARGIN
    ]


def is_elsewhere(target: str) -> bool:
    return target.startswith(ELSEWHERE_PREFIX)
