"""The pipeline stages on a slice of the real export: clean, split, validate, train."""

import json

import pandas as pd
import pytest

from assistant import settings
from assistant.chatlogs import CLEAN_COLUMNS, clean_export, read_export
from assistant.classifier import META_FILE, TopicClassifier
from assistant.labels import all_labels
from assistant.mask import EMAIL_PATTERN, PHONE_PATTERN
from pipelines.split import split_by_session
from pipelines.train import choose_thresholds, fit
from pipelines.validate import validate

# Tiny strata: a slice has topics with fewer sessions than the splitter has folds.
pytestmark = pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")

SESSIONS = 300
# Two client messages of the slice, one per timestamp form of the export.
SENT_AT_UTC = {
    "M0000002": "2026-10-22 11:19:53",  # «2026-10-22T14:19:53+03:00»
    "M0000032": "2026-05-16 18:25:15",  # «16.05.2026 21:25:15», Moscow time
}
# Twenty shallow trees: enough to check that the saved files load and predict.
TINY_TRAIN = {"iterations": 20, "early_stopping_rounds": 10, "log_every": 0,
              "dictionary_size": 2000, "min_word_count": 1}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """The first sessions of the export, written and read back as an export file."""
    export = settings.ROOT / settings.stage_params("clean")["input"]
    frame = pd.read_csv(export, sep=";", dtype=str, keep_default_na=False)
    first = frame["session_id"].drop_duplicates().head(SESSIONS)
    path = tmp_path_factory.mktemp("export") / "chat_logs.csv"
    frame[frame["session_id"].isin(first)].to_csv(path, sep=";", index=False)
    return read_export(path)


@pytest.fixture(scope="module")
def clean(raw):
    params = settings.stage_params("clean")
    return clean_export(raw, params["context_turns"], params["max_text_length"])


@pytest.fixture(scope="module")
def parts(clean):
    params = settings.stage_params("split")
    return split_by_session(
        clean, params["validation_share"], params["test_share"], params["seed"]
    )


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["topic"].notna()].reset_index(drop=True)


def test_the_slice_has_contacts_to_mask_and_both_timestamp_forms(raw):
    texts = raw.loc[raw["author"] == "client", "text"]

    assert texts.str.contains(PHONE_PATTERN).any()
    assert texts.str.contains(EMAIL_PATTERN).any()
    assert raw["sent_at"].str.match(r"\d{2}\.\d{2}\.\d{4} ").any()
    assert raw["sent_at"].str.contains("T").any()


def test_clean_leaves_no_phone_or_email_in_text_or_context(clean):
    for column in ("text", "context"):
        assert not clean[column].str.contains(PHONE_PATTERN).any()
        assert not clean[column].str.contains(EMAIL_PATTERN).any()


def test_clean_keeps_client_messages_only(raw, clean):
    client_ids = set(raw.loc[raw["author"] == "client", "message_id"])

    assert list(clean.columns) == CLEAN_COLUMNS
    assert set(clean["message_id"]) <= client_ids


def test_the_context_of_a_second_turn_is_the_first_turn(clean):
    turns = clean.set_index(["session_id", "turn_index"])
    second = clean[clean["turn_index"] == 1]

    assert len(second) > 10
    for row in second.itertuples():
        assert row.context == turns.loc[(row.session_id, 0), "text"]
    assert (clean.loc[clean["turn_index"] == 0, "context"] == "").all()


@pytest.mark.parametrize("message_id, utc", SENT_AT_UTC.items())
def test_both_timestamp_forms_are_parsed_to_utc(clean, message_id, utc):
    sent_at = clean.set_index("message_id").loc[message_id, "sent_at"]

    assert sent_at == pd.Timestamp(utc, tz="UTC")


def test_clean_drops_no_message_for_its_timestamp(clean):
    assert clean["sent_at"].notna().all()


def test_a_session_has_no_repeated_message(clean):
    assert not clean.duplicated(["session_id", "text"]).any()


def test_split_keeps_every_row_and_puts_each_session_in_one_part(clean, parts):
    sessions = [set(part["session_id"]) for part in parts.values()]

    assert sum(len(part) for part in parts.values()) == len(clean)
    kept = pd.concat(parts.values())["message_id"]
    assert sorted(kept) == sorted(clean["message_id"])
    for i, first in enumerate(sessions):
        for second in sessions[i + 1:]:
            assert not first & second


def test_validate_passes_the_slice_with_fewer_examples_per_topic(clean, tmp_path):
    # A slice of 300 sessions holds every topic, but some only once.
    params = {**settings.stage_params("validate"), "min_examples_per_topic": 1}

    assert validate(clean, params, tmp_path)


def test_a_tiny_model_trained_on_the_slice_loads_and_predicts(parts, tmp_path):
    params = {**settings.stage_params("train"), **TINY_TRAIN}
    train, validation = labelled(parts["train"]), labelled(parts["validation"])
    model = fit(train, validation, params)

    meta = {"context_turns": params["context_turns"],
            "thresholds": {"answer": 1, "clarify": 1}}
    unloaded = TopicClassifier(model, meta)
    meta["thresholds"] = choose_thresholds(unloaded, validation, params)
    model.save(tmp_path)
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    loaded = TopicClassifier.load(tmp_path)

    assert loaded.predict("Когда дадут свет?").label in all_labels()
    assert loaded.thresholds.clarify <= loaded.thresholds.answer
