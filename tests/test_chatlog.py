"""The live chat log: masked text only, no row lost to threads, never breaks a chat."""

import json
import logging
import threading

import pytest

from assistant.chatlog import ChatLog, chatlog_path
from assistant.dialog import ANSWERED, CLARIFIED, Choice, Reply, Session
from assistant.mask import mask_text

THREADS = 20
TURNS_PER_THREAD = 10
TOP = [
    ("temporary_cost", 0.7),
    ("tp_primary_cost", 0.2),
    ("outages", 0.05),
    ("greeting", 0.01),
]


@pytest.fixture
def chat_log(tmp_path):
    opened = ChatLog(tmp_path / "live" / "chatlog.duckdb")
    yield opened
    opened.close()


def make_reply(raw_text: str, outcome: str = ANSWERED) -> Reply:
    """A reply as the dialog manager builds it: it carries the masked text only."""
    choices = [Choice("temporary_cost", "Стоимость временного присоединения")]
    return Reply(
        label="temporary_cost",
        confidence=0.7,
        text="ответ",
        outcome=outcome,
        masked_text=mask_text(raw_text),
        choices=choices if outcome == CLARIFIED else [],
        top=TOP,
    )


@pytest.mark.parametrize(
    "raw_text, secret",
    [
        ("Перезвоните на +7 916 123-45-67, свет пропал", "123-45-67"),
        ("Счёт пришлите на ivan.petrov@mail.ru", "ivan.petrov@mail.ru"),
    ],
)
def test_a_row_keeps_the_masked_text_and_never_the_raw_one(chat_log, raw_text, secret):
    session = Session(channel="lk", turns=1)

    turn_id = chat_log.record(session, make_reply(raw_text))

    row = chat_log.recent(5).iloc[0]
    assert row["turn_id"] == turn_id
    assert row["masked_text"] == mask_text(raw_text)
    assert all(secret not in str(value) for value in row.to_dict().values())


def test_a_row_holds_the_session_the_outcome_and_the_top_three(chat_log):
    session = Session(channel="mobile", turns=2)

    chat_log.record(session, make_reply("сколько стоит временное", CLARIFIED))

    row = chat_log.recent(1).iloc[0]
    assert row["session_id"] == session.session_id
    assert (row["channel"], row["turn_index"]) == ("mobile", 2)
    assert (row["outcome"], row["source"]) == (CLARIFIED, "live")
    assert json.loads(row["choices"]) == ["temporary_cost"]
    assert json.loads(row["top"]) == [list(pair) for pair in TOP[:3]]
    assert row["logged_at"].tzinfo is not None


def test_rows_survive_reopening_the_file(tmp_path):
    path = tmp_path / "chatlog.duckdb"
    first = ChatLog(path)
    first.record(Session(turns=1), make_reply("когда дадут свет"))
    first.close()

    second = ChatLog(path)
    assert len(second.recent()) == 1
    second.close()


def test_twenty_threads_recording_at_once_lose_no_row(chat_log):
    def chat(thread_index: int) -> None:
        session = Session(channel="utp")
        for _ in range(TURNS_PER_THREAD):
            session.turns += 1
            chat_log.record(session, make_reply(f"вопрос из потока {thread_index}"))

    threads = [threading.Thread(target=chat, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    rows = chat_log.recent(THREADS * TURNS_PER_THREAD * 2)
    assert len(rows) == THREADS * TURNS_PER_THREAD
    assert rows["turn_id"].is_unique
    assert rows.groupby("session_id")["turn_index"].max().eq(TURNS_PER_THREAD).all()


def test_a_failing_write_is_logged_and_does_not_raise(tmp_path, caplog):
    broken = ChatLog(tmp_path / "chatlog.duckdb")
    broken.close()
    session = Session(turns=1)

    with caplog.at_level(logging.WARNING, logger="assistant.chatlog"):
        turn_id = broken.record(session, make_reply("когда дадут свет"))

    assert turn_id is None
    assert session.session_id in caplog.text


def test_the_path_follows_assistant_chatlog_set_after_import(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHATLOG", str(tmp_path / "elsewhere.duckdb"))

    assert chatlog_path() == tmp_path / "elsewhere.duckdb"
