"""Reviewed topic labels: applied over the operators' labels, which stay beside them."""

import pandas as pd
import pytest

from assistant import settings
from assistant.chatlogs import read_export
from assistant.review import ReviewFormatError, apply_review, read_review


def messages(topics: dict[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame({"message_id": list(topics), "topic": list(topics.values())})


def write_review(path, rows: list[str]) -> None:
    path.write_text("\n".join(["message_id;topic;note", *rows]) + "\n", encoding="utf-8")


def test_a_review_corrects_a_label_fills_a_missing_one_and_keeps_the_operators():
    frame = messages({"M1": "tp_primary_cost", "M2": None, "M3": "outages"})
    review = pd.DataFrame({"message_id": ["M1", "M2"],
                           "topic": ["tp_primary_review_time", "thanks"],
                           "note": ["asks how long", "thanks alone"]})

    reviewed = apply_review(frame, review)

    assert reviewed["topic"].tolist() == ["tp_primary_review_time", "thanks", "outages"]
    operator = reviewed["operator_topic"]
    assert operator[[0, 2]].tolist() == ["tp_primary_cost", "outages"]
    assert operator.isna()[1]


def test_a_reviewed_message_missing_from_the_export_is_passed_over():
    frame = messages({"M1": "outages"})
    review = pd.DataFrame({"message_id": ["M9"], "topic": ["thanks"], "note": [""]})

    assert apply_review(frame, review)["topic"].tolist() == ["outages"]


def test_a_label_outside_the_taxonomy_is_refused_with_its_name(tmp_path):
    path = tmp_path / "review.csv"
    write_review(path, ["M1;tp_primary_price;typo"])

    with pytest.raises(ReviewFormatError, match="tp_primary_price"):
        read_review(path)


def test_a_message_reviewed_twice_is_refused(tmp_path):
    path = tmp_path / "review.csv"
    write_review(path, ["M1;thanks;a", "M1;goodbye;b"])

    with pytest.raises(ReviewFormatError, match="twice"):
        read_review(path)


def test_a_file_without_the_columns_says_which_it_expects(tmp_path):
    path = tmp_path / "review.csv"
    path.write_text("id;label\nM1;thanks\n", encoding="utf-8")

    with pytest.raises(ReviewFormatError, match="message_id"):
        read_review(path)


def test_the_project_review_names_client_messages_of_the_export():
    params = settings.stage_params("clean")
    review = read_review(settings.ROOT / params["review"])
    export = read_export(settings.ROOT / params["input"])
    clients = set(export.loc[export["author"] == "client", "message_id"])

    assert len(review) > 100
    assert set(review["message_id"]) <= clients


def test_the_cleaned_messages_carry_the_reviewed_labels():
    params = settings.stage_params("clean")
    review = read_review(settings.ROOT / params["review"]).set_index("message_id")["topic"]
    clean = pd.read_parquet(settings.CLEAN_PARQUET).set_index("message_id")
    reviewed = clean.loc[clean.index.intersection(review.index)]

    assert len(reviewed) > 100
    assert (reviewed["topic"] == review[reviewed.index]).all()
    assert (reviewed["operator_topic"] != reviewed["topic"]).any()
