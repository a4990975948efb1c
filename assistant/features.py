"""Model features of a message and its session context, the same in training and serving."""

import numpy as np
import pandas as pd

from .embed import sentence_vector
from .text import lemma, normalize, words

TEXT_FEATURES = ["message_lemmas", "context_lemmas", "message_chars"]
# Character 4-grams of each word survive typos and odd endings that lemmas miss.
CHAR_FEATURE = "message_chars"
GRAM_SIZE = 4
EMBEDDING_FEATURES = ["message_vector", "context_vector"]
FEATURES = TEXT_FEATURES + EMBEDDING_FEATURES
# CatBoost rejects an empty text feature value; a marker token stands for "no context".
NO_CONTEXT = "<нет>"


def lemma_string(normalized: str) -> str:
    lemmas = [lemma(word) for word in words(normalized)]
    return " ".join(lemmas) if lemmas else NO_CONTEXT


def char_grams(normalized: str) -> str:
    grams = []
    for word in words(normalized):
        padded = f"#{word}#"
        grams.extend(padded[i:i + GRAM_SIZE] for i in range(max(1, len(padded) - GRAM_SIZE + 1)))
    return " ".join(grams) if grams else NO_CONTEXT


def vector(normalized: str) -> np.ndarray:
    return sentence_vector(words(normalized))


def feature_row(text: str, context: list[str], context_turns: int) -> dict:
    """Lemmas and a Navec vector of the message, and of its latest context turns."""
    message = normalize(text)
    earlier = normalize(" ".join(context[-context_turns:])) if context_turns else ""
    return {
        "message_lemmas": lemma_string(message),
        "context_lemmas": lemma_string(earlier),
        "message_chars": char_grams(message),
        "message_vector": vector(message),
        "context_vector": vector(earlier),
    }


def feature_rows(texts: list[str], contexts: list[list[str]], context_turns: int) -> list[list]:
    """Feature values as plain lists in FEATURES order, for a few messages at serving time."""
    rows = [feature_row(text, context, context_turns) for text, context in zip(texts, contexts)]
    return [[row[name] for name in FEATURES] for row in rows]


def feature_frame(texts: list[str], contexts: list[list[str]], context_turns: int) -> pd.DataFrame:
    """One feature row per message, columns in FEATURES order."""
    rows = [feature_row(text, context, context_turns) for text, context in zip(texts, contexts)]
    return pd.DataFrame(rows, columns=FEATURES)


def split_context(value: str | None) -> list[str]:
    """The cleaned table keeps context as newline-joined turns."""
    return [turn for turn in (value or "").split("\n") if turn]


def contexts_of(frame: pd.DataFrame) -> list[list[str]]:
    """The earlier turns of every message of a cleaned table."""
    return [split_context(value) for value in frame["context"]]
