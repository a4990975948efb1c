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


def join_lemmas(tokens: list[str]) -> str:
    lemmas = [lemma(word) for word in tokens]
    return " ".join(lemmas) if lemmas else NO_CONTEXT


def join_grams(tokens: list[str]) -> str:
    grams = []
    for word in tokens:
        padded = f"#{word}#"
        grams.extend(padded[i:i + GRAM_SIZE] for i in range(max(1, len(padded) - GRAM_SIZE + 1)))
    return " ".join(grams) if grams else NO_CONTEXT


def vector(normalized: str) -> np.ndarray:
    return sentence_vector(words(normalized))


def message_features(text: str) -> dict:
    """Lemmas, character grams and a Navec vector of the message itself."""
    # Tokenised once for the three features: razdel is a good part of a reply's cost.
    tokens = words(normalize(text))
    return {
        "message_lemmas": join_lemmas(tokens),
        "message_chars": join_grams(tokens),
        "message_vector": sentence_vector(tokens),
    }


def context_features(context: list[str], context_turns: int) -> dict:
    """Lemmas and a Navec vector of the latest context turns."""
    earlier = normalize(" ".join(context[-context_turns:])) if context_turns else ""
    tokens = words(earlier)
    return {"context_lemmas": join_lemmas(tokens), "context_vector": sentence_vector(tokens)}


def feature_row(text: str, context: list[str], context_turns: int) -> dict:
    """Lemmas and a Navec vector of the message, and of its latest context turns."""
    return {**message_features(text), **context_features(context, context_turns)}


def feature_rows(texts: list[str], contexts: list[list[str]], context_turns: int) -> list[list]:
    """Feature values as plain lists in FEATURES order, for a few messages at serving time.

    A follow-up is read with and without its context, so the rows share a message or an
    empty context: each distinct one is computed once."""
    messages: dict[str, dict] = {}
    earlier: dict[tuple[str, ...], dict] = {}
    rows = []
    for text, context in zip(texts, contexts, strict=True):
        if text not in messages:
            messages[text] = message_features(text)
        turns = tuple(context[-context_turns:]) if context_turns else ()
        if turns not in earlier:
            earlier[turns] = context_features(context, context_turns)
        row = {**messages[text], **earlier[turns]}
        rows.append([row[name] for name in FEATURES])
    return rows


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
