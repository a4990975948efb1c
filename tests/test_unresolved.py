"""Unresolved turns of the live chat log: what analysts are asked to label."""

import pytest

from assistant.chatlog import ChatLog
from assistant.dialog import ANSWERED, CLARIFIED as CLARIFIED_OUTCOME, FALLBACK, Reply, Session
from assistant.mask import mask_text
from assistant.unresolved import recent_unresolved

# What the dialog manager decided is written out here, so the test does not hang on
# how sure the current model happens to be about these words.
CLARIFIED = ["Как подать заявку?", "мне нужна автовышка на субботу"]
NOT_UNDERSTOOD = "ывапролджэ"
CONFIDENT = "Нужно временное подключение для стройки"
TURNS = [
    (CLARIFIED[0], "tp_primary_apply", 0.31, CLARIFIED_OUTCOME),
    (CLARIFIED[1], "services_apply", 0.28, CLARIFIED_OUTCOME),
    (NOT_UNDERSTOOD, "out_of_scope", 0.02, FALLBACK),
    (CONFIDENT, "temporary_apply", 0.88, ANSWERED),
    (CLARIFIED[0], "tp_primary_apply", 0.33, CLARIFIED_OUTCOME),
    ("", "out_of_scope", 0.0, FALLBACK),
    ("Меня зовут Иван Петров, нужна автовышка", "services_apply", 0.2, FALLBACK),
]


def log_turns(path) -> None:
    """Each turn in a session of its own, logged as the chat page logs it."""
    chat_log = ChatLog(path)
    for text, label, confidence, outcome in TURNS:
        reply = Reply(label, confidence, "ответ", outcome, mask_text(text))
        chat_log.record(Session(channel="lk"), reply)
    chat_log.close()


@pytest.fixture
def chat_log_path(tmp_path):
    path = tmp_path / "live"
    log_turns(path)
    return path


def test_fallbacks_and_clarifications_are_listed_once_each_newest_first(chat_log_path):
    turns = recent_unresolved(chat_log_path)

    assert set(turns["text"]) == {*CLARIFIED, NOT_UNDERSTOOD, "Меня зовут <PER>, нужна автовышка"}
    assert turns["last_seen"].is_monotonic_decreasing
    counts = dict(zip(turns["text"], turns["turns"]))
    assert counts[CLARIFIED[0]] == 2
    outcomes = dict(zip(turns["text"], turns["outcome"]))
    assert outcomes[NOT_UNDERSTOOD] == "fallback"
    assert outcomes[CLARIFIED[1]] == "clarified"


def test_a_confident_answer_is_listed_only_under_a_higher_bar(chat_log_path):
    assert CONFIDENT not in set(recent_unresolved(chat_log_path)["text"])
    assert CONFIDENT in set(recent_unresolved(chat_log_path, low_confidence=0.95)["text"])


def test_the_limit_keeps_the_newest(chat_log_path):
    turns = recent_unresolved(chat_log_path, limit=1)

    assert turns["text"].tolist() == ["Меня зовут <PER>, нужна автовышка"]


def test_an_empty_log_folder_lists_nothing(tmp_path):
    turns = recent_unresolved(tmp_path / "nothing yet")

    assert turns.empty
    assert list(turns.columns) == ["text", "turns", "last_seen", "outcome", "label",
                                   "confidence"]
