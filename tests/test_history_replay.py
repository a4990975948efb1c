"""The export replayed through today's dialog manager, in the live log's columns."""

import pandas as pd
import pytest

from assistant import settings
from assistant.analytics.history import HISTORY_SOURCE, SCHEMA, replay_history
from assistant.labels import all_labels

SESSIONS = 40


@pytest.fixture(scope="module")
def messages():
    """The first sessions of the cleaned export, with one having a masked phone."""
    frame = pd.read_parquet(settings.CLEAN_PARQUET)
    first = frame["session_id"].drop_duplicates().head(SESSIONS)
    chosen = frame[frame["session_id"].isin(first)]
    with_mark = frame[frame["text"].str.contains("<PHONE>", regex=False)].head(1)
    return pd.concat([chosen, with_mark]).drop_duplicates("message_id")


@pytest.fixture(scope="module")
def replayed(messages, dialog_manager):
    return replay_history(dialog_manager, messages).to_pandas()


def test_every_message_becomes_one_turn_in_the_history_schema(messages, replayed):
    assert len(replayed) == len(messages)
    assert list(replayed.columns) == SCHEMA.names
    assert set(replayed["source"]) == {HISTORY_SOURCE}
    assert set(replayed["turn_id"]) == set(messages["message_id"])


def test_turns_carry_the_models_label_outcome_and_top_three(replayed):
    assert set(replayed["label"]) <= set(all_labels())
    assert set(replayed["outcome"]) <= {"answered", "clarified", "fallback"}
    assert replayed["confidence"].between(0, 1).all()
    assert replayed["top"].str.startswith("[[").all()


def test_the_masked_text_of_the_export_is_kept_with_its_marks(messages, replayed):
    texts = dict(zip(messages["message_id"], messages["text"], strict=True))
    assert (replayed["masked_text"] == replayed["turn_id"].map(texts)).all()
    assert replayed["masked_text"].str.contains("<PHONE>", regex=False).any()


def test_sessions_are_numbered_from_one_and_keep_ratings_and_topics(messages, replayed):
    first_turns = replayed.groupby("session_id")["turn_index"].min()
    assert (first_turns == 1).all()
    by_id = messages.set_index("message_id")
    rated = replayed.dropna(subset=["rating"])
    assert (rated["rating"].to_numpy() == by_id.loc[rated["turn_id"], "rating"]).all()
    labelled = replayed.dropna(subset=["labelled_topic"])
    assert (
        labelled["labelled_topic"].to_numpy() == by_id.loc[labelled["turn_id"], "topic"]
    ).all()
