"""Unresolved turns of the live chat log: what analysts are asked to label."""

import pytest

from assistant.chatlog import ChatLog
from assistant.unresolved import recent_unresolved

# Replies of the trained model, tried when this test was written: two clarifying
# questions, one unreadable message and one confident answer (0.88).
CLARIFIED = ["Как подать заявку?", "мне нужна автовышка на субботу"]
NOT_UNDERSTOOD = "ывапролджэ"
CONFIDENT = "Нужно временное подключение для стройки"


def log_messages(dialog_manager, path, messages: list[str]) -> None:
    """Each message in a session of its own, logged as the chat page logs it."""
    chat_log = ChatLog(path)
    for text in messages:
        session = dialog_manager.new_session("lk")
        chat_log.record(session, dialog_manager.reply(session, text))
    chat_log.close()


@pytest.fixture
def chat_log_path(tmp_path, dialog_manager):
    path = tmp_path / "live"
    messages = [*CLARIFIED, NOT_UNDERSTOOD, CONFIDENT, CLARIFIED[0], "", "Меня зовут Иван "
                "Петров, нужна автовышка"]
    log_messages(dialog_manager, path, messages)
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
