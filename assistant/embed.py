"""Navec sentence vectors: a weighted mean of the word vectors a message has."""

from functools import lru_cache

import numpy as np

from .text import lemma

DIMENSION = 300


@lru_cache(maxsize=1)
def load_navec():
    """Navec news vectors shipped inside the natasha wheel: nothing is downloaded."""
    from natasha.data import NEWS_EMBEDDING
    from navec import Navec

    return Navec.load(NEWS_EMBEDDING)


@lru_cache(maxsize=200_000)
def word_vector(word: str) -> np.ndarray | None:
    """The vector of a word or of its lemma; None for a word Navec does not know."""
    navec = load_navec()
    for form in (word, lemma(word)):
        if form in navec:
            return navec[form]
    return None


def sentence_vector(words: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
    """Weighted mean of known word vectors, L2-normalised; zeros when none is known."""
    vectors, word_weights = [], []
    for word in words:
        vector = word_vector(word)
        if vector is not None:
            vectors.append(vector)
            word_weights.append(weights.get(word, 1.0) if weights else 1.0)
    if not vectors:
        return np.zeros(DIMENSION, dtype=np.float32)

    if weights:
        mean = np.average(np.stack(vectors), axis=0, weights=word_weights)
    else:
        # Equal weights: the sum np.average takes, in the same order, without its checks,
        # which cost more than the sum for a message of a few words.
        mean = np.array(vectors, dtype=np.float64).sum(axis=0) / len(vectors)
    norm = np.linalg.norm(mean)
    return (mean / norm if norm else mean).astype(np.float32)
