"""The live chat log: masked text only, no row lost, never breaks a chat."""

import json
import logging
import os
import subprocess
import sys
import threading
import time

import duckdb
import pandas as pd
import pytest

from assistant import chatlog, segments, settings
from assistant.chatlog import COLUMNS, ChatLog, chatlog_dir, read_log
from assistant.dialog import ANSWERED, CLARIFIED, Choice, Reply, Session
from assistant.mask import mask_text

THREADS = 50
TURNS_PER_THREAD = 20
PROCESSES = 2
TURNS_PER_PROCESS = 200
# A second writer process, as an API worker next to the chat page.
WRITER = """
import sys
from assistant.chatlog import ChatLog
from assistant.dialog import Reply, Session

chat_log = ChatLog(sys.argv[1], flush_rows=7)
session = Session(channel="api")
reply = Reply("outages", 0.9, "ответ", "answered", "когда дадут свет")
for turn in range(int(sys.argv[2])):
    session.turns = turn + 1
    chat_log.record(session, reply)
chat_log.close()
"""
TOP = [
    ("temporary_cost", 0.7),
    ("tp_primary_cost", 0.2),
    ("outages", 0.05),
    ("greeting", 0.01),
]


@pytest.fixture
def chat_log(tmp_path):
    opened = ChatLog(tmp_path / "live")
    yield opened
    opened.close()


def logged_ids(path) -> list[str]:
    return read_log(path)["turn_id"].tolist()


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


def block_folder(path) -> None:
    # A file in the folder's place refuses every write, even to root.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a folder")


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
    assert list(row.index) == COLUMNS
    assert row["session_id"] == session.session_id
    assert (row["channel"], row["turn_index"]) == ("mobile", 2)
    assert (row["outcome"], row["source"]) == (CLARIFIED, "live")
    assert json.loads(row["choices"]) == ["temporary_cost"]
    assert json.loads(row["top"]) == [list(pair) for pair in TOP[:3]]
    assert row["logged_at"].tzinfo is not None


def test_segments_lie_in_day_partitions_named_by_the_writing_process(tmp_path):
    chat_log = ChatLog(tmp_path, flush_rows=2)
    session = Session(turns=1)

    turn_ids = [chat_log.record(session, make_reply("свет")) for _ in range(2)]

    (segment,) = segments.segment_files(tmp_path, "chat_turns")
    day = pd.Timestamp.now(tz="UTC").date().isoformat()
    assert segment.parent.name == f"day={day}"
    assert segment.name.startswith(f"{os.getpid()}-")
    pattern = str(tmp_path / "chat_turns" / "**" / "*.parquet")
    # How analysts read the log: the day comes from the folder name.
    query = (
        "SELECT turn_id, day::VARCHAR AS day "
        "FROM read_parquet(?, hive_partitioning = true)"
    )
    with duckdb.connect() as connection:
        stored = connection.execute(query, [pattern]).df()
    assert sorted(stored["turn_id"]) == sorted(turn_ids)
    assert set(stored["day"]) == {day}
    chat_log.close()


def test_rows_wait_for_a_batch_then_land_in_one_segment(tmp_path):
    chat_log = ChatLog(tmp_path, flush_rows=3, flush_seconds=3600)

    for _ in range(2):
        chat_log.record(Session(), make_reply("свет"))
    assert (chat_log.queued, segments.segment_files(tmp_path, "chat_turns")) == (2, [])
    chat_log.record(Session(), make_reply("свет"))

    assert chat_log.queued == 0
    assert len(segments.segment_files(tmp_path, "chat_turns")) == 1
    chat_log.close()


def test_a_quiet_log_is_flushed_by_its_background_thread(tmp_path):
    chat_log = ChatLog(tmp_path, flush_rows=100, flush_seconds=0.05)

    chat_log.record(Session(), make_reply("свет"))

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if segments.segment_files(tmp_path, "chat_turns"):
            break
        time.sleep(0.02)
    assert segments.segment_files(tmp_path, "chat_turns")
    chat_log.close()


def test_closing_writes_what_is_queued(tmp_path):
    chat_log = ChatLog(tmp_path, flush_rows=100, flush_seconds=3600)
    turn_id = chat_log.record(Session(), make_reply("свет"))

    chat_log.close()

    assert logged_ids(tmp_path) == [turn_id]


def test_rows_survive_a_new_log_on_the_same_folder(tmp_path):
    first = ChatLog(tmp_path)
    first.record(Session(turns=1), make_reply("когда дадут свет"))
    first.close()

    second = ChatLog(tmp_path)
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
    assert chat_log.flush()

    rows = read_log(chat_log.path)
    assert len(rows) == THREADS * TURNS_PER_THREAD == 1000
    assert rows["turn_id"].is_unique
    assert sorted(rows["turn_id"]) == sorted(recorded)
    assert rows.groupby("session_id")["turn_index"].max().eq(TURNS_PER_THREAD).all()


def test_two_processes_writing_at_once_lose_no_row(tmp_path):
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(TURNS_PER_PROCESS)],
            cwd=settings.ROOT,
        )
        for _ in range(PROCESSES)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0] * PROCESSES

    rows = read_log(tmp_path)
    assert len(rows) == PROCESSES * TURNS_PER_PROCESS == 400
    assert rows["turn_id"].is_unique
    assert rows["session_id"].nunique() == PROCESSES
    writer_ids = {path.name.split("-")[0] for path in tmp_path.rglob("*.parquet")}
    assert writer_ids == {str(writer.pid) for writer in writers}


def test_rows_wait_while_the_folder_refuses_writes_then_land_once(tmp_path, caplog):
    folder = tmp_path / "live"
    block_folder(folder)
    chat_log = ChatLog(folder, retry_seconds=0, flush_rows=1)
    session = Session()

    with caplog.at_level(logging.WARNING, logger="assistant.chatlog"):
        blocked_ids = [chat_log.record(session, make_reply("свет")) for _ in range(30)]
    assert all(blocked_ids) and chat_log.queued == 30
    assert session.session_id in caplog.text
    folder.unlink()
    next_id = chat_log.record(session, make_reply("спасибо"))

    assert chat_log.queued == 0
    assert sorted(logged_ids(folder)) == sorted(blocked_ids + [next_id])
    chat_log.close()


def test_a_refusing_folder_is_retried_no_sooner_than_the_interval(tmp_path):
    folder = tmp_path / "live"
    block_folder(folder)
    chat_log = ChatLog(folder, retry_seconds=3600, flush_rows=1)

    chat_log.record(Session(), make_reply("когда дадут свет"))
    folder.unlink()
    chat_log.record(Session(), make_reply("спасибо"))

    assert chat_log.queued == 2
    assert not chat_log.flush()
    chat_log.connect()
    assert chat_log.queued == 0 and len(logged_ids(folder)) == 2
    chat_log.close()


def test_the_queue_keeps_the_newest_rows_and_counts_the_dropped(tmp_path, caplog):
    folder = tmp_path / "live"
    block_folder(folder)
    chat_log = ChatLog(folder, retry_seconds=0, max_queued=5, flush_rows=1)

    with caplog.at_level(logging.WARNING, logger="assistant.chatlog"):
        ids = [chat_log.record(Session(), make_reply("свет")) for _ in range(8)]
    folder.unlink()
    assert chat_log.flush()

    assert (chat_log.queued, chat_log.dropped) == (0, 3)
    assert "oldest rows dropped" in caplog.text
    assert sorted(logged_ids(folder)) == sorted(ids[-5:])
    chat_log.close()


def test_connect_names_the_folder_that_refuses_writes(tmp_path):
    folder = tmp_path / "live"
    block_folder(folder)
    chat_log = ChatLog(folder)

    with pytest.raises(chatlog.ChatLogUnavailableError) as error:
        chat_log.connect()

    assert str(folder) in str(error.value)
    chat_log.close()


def test_read_turns_rebuilds_a_session_from_every_process_in_order(tmp_path):
    page, api = ChatLog(tmp_path), ChatLog(tmp_path)
    session, other = Session(), Session()
    for turn, chat_log in enumerate([page, api, page], start=1):
        session.turns = turn
        chat_log.record(session, make_reply(f"вопрос {turn}"))
    api.record(other, make_reply("другой"))

    turns = api.read_turns(session.session_id)

    assert turns["turn_index"].tolist() == [1, 2, 3]
    assert turns["masked_text"].tolist() == ["вопрос 1", "вопрос 2", "вопрос 3"]
    page.close()
    api.close()


def test_deleting_a_session_keeps_the_other_sessions(chat_log):
    forgotten, kept = Session(), Session()
    for session in [forgotten, kept, forgotten]:
        chat_log.record(session, make_reply("когда дадут свет"))

    assert chat_log.delete_session(forgotten.session_id) == 2

    assert chat_log.recent()["session_id"].tolist() == [kept.session_id]


def test_deleting_a_session_rewrites_only_the_segments_holding_it(tmp_path):
    chat_log = ChatLog(tmp_path, flush_rows=1)
    forgotten, kept = Session(), Session()
    chat_log.record(kept, make_reply("свет"))
    (untouched,) = segments.segment_files(tmp_path, "chat_turns")
    inode = untouched.stat().st_ino
    chat_log.record(forgotten, make_reply("свет"))

    assert chat_log.delete_session(forgotten.session_id) == 1

    assert segments.segment_files(tmp_path, "chat_turns") == [untouched]
    assert untouched.stat().st_ino == inode
    chat_log.close()


def test_rows_of_a_deleted_session_queued_in_another_process_never_land(tmp_path):
    api = ChatLog(tmp_path, flush_rows=100, flush_seconds=3600)
    page = ChatLog(tmp_path)
    forgotten, kept = Session(), Session()
    api.record(forgotten, make_reply("мой телефон 8 916 123-45-67"))
    api.record(kept, make_reply("свет"))

    page.delete_session(forgotten.session_id)
    later_id = api.record(forgotten, make_reply("спасибо"))
    assert api.flush()

    rows = read_log(tmp_path)
    assert sorted(rows["session_id"]) == sorted([forgotten.session_id, kept.session_id])
    assert later_id in rows["turn_id"].tolist()
    assert "<PHONE>" not in "".join(rows["masked_text"])
    api.close()
    page.close()


def test_a_segment_renamed_just_after_a_deletion_scanned_is_cleaned_by_its_writer(
    tmp_path, monkeypatch
):
    chat_log = ChatLog(tmp_path, flush_rows=100, flush_seconds=3600)
    forgotten = Session()
    chat_log.record(forgotten, make_reply("свет"))
    write_segment = segments.write_segment

    def write_during_a_deletion(*args):
        written = write_segment(*args)
        # Another process marks and scans between this writer's check and its rename.
        segments.mark_deleted(tmp_path, forgotten.session_id, chatlog.utc_now())
        return written

    monkeypatch.setattr(segments, "write_segment", write_during_a_deletion)
    assert chat_log.flush()

    assert read_log(tmp_path).empty
    chat_log.close()


def test_feedback_is_logged_beside_the_turns_and_deleted_with_the_session(chat_log):
    session = Session()
    turn_id = chat_log.record(session, make_reply("свет"))

    feedback_id = chat_log.record_feedback(session.session_id, turn_id, -1)

    ratings = chat_log.read_feedback()
    assert ratings[["feedback_id", "turn_id", "rating"]].values.tolist() == [
        [feedback_id, turn_id, -1]
    ]
    assert segments.segment_files(chat_log.path, "chat_feedback")
    chat_log.delete_session(session.session_id)
    assert chat_log.read_feedback().empty


def test_a_rating_out_of_range_is_refused_with_the_value(chat_log):
    with pytest.raises(ValueError, match="got 7"):
        chat_log.record_feedback("s", "t", 7)


def test_a_row_written_late_keeps_the_time_it_was_recorded(tmp_path):
    chat_log = ChatLog(tmp_path, flush_rows=100, flush_seconds=3600)

    chat_log.record(Session(), make_reply("когда дадут свет"))
    recorded_before = pd.Timestamp.now(tz="UTC")
    time.sleep(0.01)
    chat_log.close()

    assert read_log(tmp_path)["logged_at"].iloc[0] < recorded_before


def test_a_failing_write_is_logged_and_does_not_raise(tmp_path, caplog):
    broken = ChatLog(tmp_path)
    broken.close()
    session = Session(turns=1)

    with caplog.at_level(logging.WARNING, logger="assistant.chatlog"):
        turn_id = broken.record(session, make_reply("когда дадут свет"))

    assert turn_id is None
    assert session.session_id in caplog.text


def test_the_folder_follows_assistant_chatlog_dir_set_after_import(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("ASSISTANT_CHATLOG_DIR", str(tmp_path / "elsewhere"))

    assert chatlog_dir() == tmp_path / "elsewhere"


def test_assistant_chatlog_still_names_the_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_CHATLOG_DIR", raising=False)
    monkeypatch.setenv("ASSISTANT_CHATLOG", str(tmp_path / "old"))

    assert chatlog_dir() == tmp_path / "old"
