"""Reading a contact-centre chat-log export into a tidy client-message table."""

import logging
from pathlib import Path

import pandas as pd

from .labels import all_labels
from .mask import mask_text
from .review import apply_review
from .text import strip_markup

log = logging.getLogger(__name__)

EXPORT_COLUMNS = ["message_id", "session_id", "sent_at", "channel", "author", "text", "topic",
                  "rating"]
# `topic` is the reviewed label where a review gave one, `operator_topic` the export's own.
CLEAN_COLUMNS = ["message_id", "session_id", "sent_at", "channel", "text", "context", "topic",
                 "operator_topic", "turn_index", "rating"]
# What the export_labels stage writes: one analyst's label of a live client message.
ANALYST_LABEL_COLUMNS = ["text", "topic", "labelled_at"]
ANALYST_CHANNEL = "analyst"
# Rows in the «DD.MM.YYYY HH:MM:SS» form carry no offset: the contact centre works on
# Moscow time.
EXPORT_TIMEZONE = "Europe/Moscow"


class ExportFormatError(ValueError):
    """The export lacks columns this product needs."""


def read_labelled(path: Path) -> pd.DataFrame:
    """The messages of a cleaned (split) table that carry a topic."""
    frame = pd.read_parquet(path)
    return frame[frame["topic"].notna()].reset_index(drop=True)


def read_analyst_labels(path: Path) -> pd.DataFrame:
    """Exported analysts' labels as rows of a cleaned table, each its own session."""
    labels = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    usable = (labels["text"] != "") & labels["topic"].isin(all_labels())
    labels = labels[usable].reset_index(drop=True)
    count = len(labels)
    return pd.DataFrame({
        "message_id": [f"A{number:07d}" for number in range(count)],
        "session_id": [f"analyst-{number:07d}" for number in range(count)],
        "sent_at": pd.to_datetime(labels["labelled_at"], utc=True, format="ISO8601"),
        "channel": ANALYST_CHANNEL,
        "text": labels["text"],
        # A label is given to one message as the analyst saw it, without its session.
        "context": "",
        "topic": labels["topic"],
        "operator_topic": None,
        "turn_index": 0,
        "rating": pd.Series([pd.NA] * count, dtype="Int64"),
    })[CLEAN_COLUMNS]


def read_export(path: Path) -> pd.DataFrame:
    """Load a ';'-separated export as strings, checking its columns."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [column for column in EXPORT_COLUMNS if column not in frame.columns]
    if missing:
        raise ExportFormatError(
            f"{path} lacks columns {missing}; expected {EXPORT_COLUMNS} (';'-separated, UTF-8)"
        )
    return frame[EXPORT_COLUMNS]


def parse_times(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 with offset and «DD.MM.YYYY HH:MM:SS» into UTC timestamps."""
    iso = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
    local = pd.to_datetime(values, format="%d.%m.%Y %H:%M:%S", errors="coerce")
    local = local.dt.tz_localize(EXPORT_TIMEZONE).dt.tz_convert("UTC")
    return iso.fillna(local)


def attach_ratings(frame: pd.DataFrame) -> pd.Series:
    """The rating a client gave to the bot reply that followed each message."""
    rating = pd.to_numeric(frame["rating"].where(frame["author"] == "bot"), errors="coerce")
    next_rating = rating.groupby(frame["session_id"]).shift(-1)
    return next_rating.astype("Int64")


def keep_known_topics(topics: pd.Series) -> pd.Series:
    known = set(all_labels())
    topics = topics.str.strip()
    unknown = (topics != "") & ~topics.isin(known)
    if unknown.any():
        log.warning("dropped %d labels not in the taxonomy: %s", unknown.sum(),
                    sorted(set(topics[unknown]))[:5])
    return topics.where(topics.isin(known), None)


def add_context(frame: pd.DataFrame, turns: int) -> pd.Series:
    """Earlier client turns of the same session, newest last, joined by newlines."""
    contexts = []
    for _, texts in frame.groupby("session_id", sort=False)["text"]:
        history = list(texts)
        contexts.extend("\n".join(history[max(0, i - turns):i]) for i in range(len(history)))
    return pd.Series(contexts, index=frame.index)


def clean_export(raw: pd.DataFrame, context_turns: int, max_length: int,
                 progress=lambda items: items, review: pd.DataFrame | None = None) -> pd.DataFrame:
    """Client messages, unmarked, deduplicated, masked, with their session context.

    With a review (see `review.read_review`) its labels replace the operators' ones."""
    frame = raw.copy()
    frame["sent_at"] = parse_times(frame["sent_at"])
    bad_times = frame["sent_at"].isna().sum()
    if bad_times:
        log.warning("dropped %d messages with an unreadable sent_at", bad_times)
    frame = frame.dropna(subset=["sent_at"]).sort_values(["session_id", "sent_at"], kind="stable")
    frame["rating"] = attach_ratings(frame)
    log.info("parsed %d rows, %d sessions", len(frame), frame["session_id"].nunique())

    frame = frame[frame["author"] == "client"].copy()
    frame["text"] = frame["text"].map(strip_markup).str.slice(0, max_length)
    frame = frame[frame["text"] != ""]
    frame = frame.drop_duplicates(subset=["session_id", "text"])
    log.info("kept %d client messages after dropping empty ones and repeats", len(frame))

    frame["text"] = [mask_text(text) for text in progress(frame["text"].tolist())]
    frame["topic"] = keep_known_topics(frame["topic"])
    if review is None:
        frame["operator_topic"] = frame["topic"]
    else:
        frame = apply_review(frame, review)
    frame["context"] = add_context(frame, context_turns)
    frame["turn_index"] = frame.groupby("session_id").cumcount()
    log.info("masked personal data; %d messages carry a topic", frame["topic"].notna().sum())
    return frame[CLEAN_COLUMNS].reset_index(drop=True)
