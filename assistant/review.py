"""Reviewed topic labels: corrections to the operators' labels, read against the topic guide.

Operators label chats in a hurry: some labels are missing, some name the wrong service or
aspect. A review file lists, by message id, the label a message gets by the topic guide where it
differs from the operator's. The clean stage applies it and keeps the operator's label beside
the reviewed one, so quality can be reported against both.
"""

import logging
from pathlib import Path

import pandas as pd

from .labels import all_labels

log = logging.getLogger(__name__)

REVIEW_COLUMNS = ["message_id", "topic", "note"]


class ReviewFormatError(ValueError):
    """The review file cannot be applied as it is."""


def read_review(path: Path) -> pd.DataFrame:
    """The reviewed labels, one row per message id, every label in the taxonomy."""
    review = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    missing = [column for column in REVIEW_COLUMNS if column not in review.columns]
    if missing:
        raise ReviewFormatError(f"{path} lacks columns {missing}; expected {REVIEW_COLUMNS}")

    unknown = sorted(set(review["topic"]) - set(all_labels()))
    if unknown:
        raise ReviewFormatError(
            f"{path} names labels that are not in data/topics.csv: {unknown[:5]}; "
            "correct them or add the topic first"
        )

    repeated = review["message_id"][review["message_id"].duplicated()]
    if not repeated.empty:
        raise ReviewFormatError(
            f"{path} reviews some messages twice ({sorted(set(repeated))[:5]}); keep one row each"
        )
    return review[REVIEW_COLUMNS]


def apply_review(frame: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """`topic` becomes the reviewed label; `operator_topic` keeps the one from the export."""
    reviewed = review.set_index("message_id")["topic"]
    frame = frame.copy()
    frame["operator_topic"] = frame["topic"]
    corrected = frame["message_id"].map(reviewed)
    frame["topic"] = corrected.where(corrected.notna(), frame["topic"])

    filled = (frame["operator_topic"].isna() & corrected.notna()).sum()
    changed = (frame["operator_topic"].notna() & corrected.notna()
               & (corrected != frame["operator_topic"])).sum()
    unmatched = (~reviewed.index.isin(frame["message_id"])).sum()
    log.info("review: %d labels corrected, %d missing labels filled", changed, filled)
    if unmatched:
        # Another export may not hold every reviewed message: the rest still apply.
        log.info("review: %d reviewed messages are not in this export", unmatched)
    return frame
