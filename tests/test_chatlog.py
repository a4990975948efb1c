"""The live chat log: masked text only, no row lost to threads, never breaks a chat."""

import json
import logging
import subprocess
import sys
import threading
from contextlib import contextmanager

import pandas as pd
import pytest

from assistant.chatlog import ChatLog, ChatLogUnavailableError, chatlog_path
from assistant.dialog import ANSWERED, CLARIFIED, Choice, Reply, Session
from assistant.mask import mask_text

THREADS = 50
TURNS_PER_THREAD = 20
LOCKED_TURNS = 30
# A second process with the file open read-write, as a notebook keeps it; it lets go
# when its stdin closes, so the test decides when the lock ends.
HOLDER = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""
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


@contextmanager
def held_by_another_process(path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
        holder.stdout.close()


def logged_ids(chat_log: ChatLog) -> list[str]:
    return chat_log.recent(100_000)["turn_id"].tolist()


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


def test_fifty_threads_recording_at_once_lose_no_row(chat_log):
    recorded = []

    def chat(thread_index: int) -> None:
        session = Session(channel="utp")
        reply = make_reply(f"вопрос из потока {thread_index}")
        for _ in range(TURNS_PER_THREAD):
            session.turns += 1
            recorded.append(chat_log.record(session, reply))

    threads = [threading.Thread(target=chat, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    rows = chat_log.recent(THREADS * TURNS_PER_THREAD * 2)
    assert len(rows) == THREADS * TURNS_PER_THREAD == 1000
    assert rows["turn_id"].is_unique
    assert sorted(rows["turn_id"]) == sorted(recorded)
    assert rows.groupby("session_id")["turn_index"].max().eq(TURNS_PER_THREAD).all()


def test_rows_wait_while_another_process_holds_the_file_then_land_once(tmp_path):
    path = tmp_path / "chatlog.duckdb"
    chat_log = ChatLog(path, retry_seconds=0)
    session = Session()

    with held_by_another_process(path):
        locked_ids = [
            chat_log.record(session, make_reply("когда дадут свет"))
            for _ in range(LOCKED_TURNS)
        ]
        assert all(locked_ids)
        assert chat_log.queued == LOCKED_TURNS
    next_id = chat_log.record(session, make_reply("спасибо"))

    assert chat_log.queued == 0
    assert sorted(logged_ids(chat_log)) == sorted(locked_ids + [next_id])
    chat_log.close()


def test_a_locked_file_is_retried_no_sooner_than_the_interval(tmp_path):
    path = tmp_path / "chatlog.duckdb"
    chat_log = ChatLog(path, retry_seconds=3600)

    with held_by_another_process(path):
        chat_log.record(Session(), make_reply("когда дадут свет"))
    chat_log.record(Session(), make_reply("спасибо"))

    assert chat_log.queued == 2
    assert not chat_log.flush()
    chat_log.connect()
    assert chat_log.queued == 0 and len(logged_ids(chat_log)) == 2
    chat_log.close()


def test_the_queue_keeps_the_newest_rows_and_counts_the_dropped(tmp_path, caplog):
    # A directory in the file's place cannot be opened, like a locked file.
    path = tmp_path / "chatlog.duckdb"
    path.mkdir()
    chat_log = ChatLog(path, retry_seconds=0, max_queued=5)

    with caplog.at_level(logging.WARNING, logger="assistant.chatlog"):
        ids = [chat_log.record(Session(), make_reply("свет")) for _ in range(8)]
    path.rmdir()
    assert chat_log.flush()

    assert (chat_log.queued, chat_log.dropped) == (0, 3)
    assert "oldest rows dropped" in caplog.text
    assert sorted(logged_ids(chat_log)) == sorted(ids[-5:])
    chat_log.close()


def test_recent_names_the_file_when_another_process_holds_it(tmp_path):
    path = tmp_path / "chatlog.duckdb"
    chat_log = ChatLog(path)

    with held_by_another_process(path), pytest.raises(ChatLogUnavailableError) as error:
        chat_log.recent()

    assert str(path) in str(error.value)
    chat_log.close()


def test_deleting_a_session_keeps_the_other_sessions(chat_log):
    forgotten, kept = Session(), Session()
    for session in [forgotten, kept, forgotten]:
        chat_log.record(session, make_reply("когда дадут свет"))

    assert chat_log.delete_session(forgotten.session_id) == 2

    assert chat_log.recent()["session_id"].tolist() == [kept.session_id]


def test_a_session_deleted_while_the_file_is_locked_is_deleted_once_free(tmp_path):
    path = tmp_path / "chatlog.duckdb"
    first = ChatLog(path)
    forgotten, kept = Session(), Session()
    first.record(forgotten, make_reply("когда дадут свет"))
    first.close()
    chat_log = ChatLog(path, retry_seconds=0)

    with held_by_another_process(path):
        chat_log.record(forgotten, make_reply("мой телефон 8 916 123-45-67"))
        chat_log.delete_session(forgotten.session_id)
        chat_log.record(forgotten, make_reply("спасибо"))
        chat_log.record(kept, make_reply("спасибо"))
    assert chat_log.flush()

    rows = chat_log.recent()
    assert sorted(rows["session_id"]) == sorted([forgotten.session_id, kept.session_id])
    assert "<PHONE>" not in "".join(rows["masked_text"])
    chat_log.close()


def test_a_row_written_late_keeps_the_time_it_was_recorded(tmp_path):
    path = tmp_path / "chatlog.duckdb"
    chat_log = ChatLog(path, retry_seconds=0)

    with held_by_another_process(path):
        chat_log.record(Session(), make_reply("когда дадут свет"))
        recorded_before = pd.Timestamp.now(tz="UTC")
    chat_log.flush()

    assert chat_log.recent()["logged_at"].iloc[0] < recorded_before
    chat_log.close()


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
