"""Turns the mobile app posts through the HTTP API reach the analyst queries."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import ApiSettings
from assistant.analytics import TurnFilter, TurnSnapshot, coverage, unresolved_turns

SESSIONS = "/api/v1/sessions"
QUESTION = "Как передать показания счётчика?"
# Emoji only: the dialog answers with its fallback text whatever the model.
EMOJI = "🙂🙂🙂"
MOBILE = TurnFilter(channels=("mobile",))


@pytest.fixture
def chatlog(tmp_path, dialog_manager):
    """A mobile session through the API: a question rated 👎, then emoji; then closed."""
    folder = tmp_path / "live"
    with TestClient(
        create_app(ApiSettings(chatlog_path=folder), dialog_manager)
    ) as client:
        session = client.post(SESSIONS, json={"channel": "mobile"}).json()["session_id"]
        messages = f"{SESSIONS}/{session}/messages"
        answered = client.post(messages, json={"text": QUESTION}).json()
        client.post(
            f"{SESSIONS}/{session}/feedback",
            json={"rating": -1, "turn_id": answered["turn_id"]},
        )
        client.post(messages, json={"text": EMOJI})
    # Leaving the client shuts the app down, and its log writes what it queued.
    return folder


@pytest.fixture
def snapshot(chatlog, tmp_path):
    return TurnSnapshot.load(chatlog, tmp_path / "no-history.parquet")


def test_api_turns_count_in_the_coverage_of_the_mobile_channel(snapshot):
    volume = coverage.volume_over_time(snapshot, MOBILE, "day", "channel")
    summary = coverage.topic_summary(snapshot, MOBILE)

    assert volume["key"].tolist() == ["mobile"]
    assert volume["messages"].sum() == 2
    assert "meter_readings" in set(summary["label"])
    assert coverage.volume_over_time(snapshot, TurnFilter(channels=("lk",))).empty


def test_api_turns_show_up_as_unresolved_with_their_reasons(snapshot):
    turns = unresolved_turns(snapshot, MOBILE).set_index("masked_text")

    assert set(turns["channel"]) == {"mobile"} and set(turns["source"]) == {"live"}
    assert "rated_negative" in turns.loc[QUESTION, "reasons"]
    assert turns.loc[EMOJI, "reasons"].split(", ")[0] == "fallback"
    assert "ended_after_fallback" in turns.loc[EMOJI, "reasons"]
