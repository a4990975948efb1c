"""Compaction: each closed day becomes one file, no row lost or doubled, deletions hold."""

import itertools
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pandas as pd
import pyarrow.parquet as pq
import pytest

from assistant import chatlog, compaction, segments, settings
from assistant.__main__ import main as assistant_main
from assistant.analytics import TurnSnapshot
from assistant.analytics import snapshot as snapshot_module
from assistant.chatlog import ChatLog, read_log
from assistant.dialog import ANSWERED, Reply, Session
from assistant.retention import main as retention_main
from assistant.segments import FEEDBACK, TURNS

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
# Noon: an hour's offsets keep each row on its day.
NOW = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
CLOSED_DAYS = [3, 2, 1]
SESSIONS_PER_DAY = 4
TURNS_PER_SESSION = 3
ROWS_PER_SEGMENT = 2
APPENDED_TURNS = 300
# A process appending to today's partition, as the chat page does while the job runs.
TODAY_WRITER = """
import sys, time
from assistant.chatlog import ChatLog
from assistant.dialog import Reply, Session

chat_log = ChatLog(sys.argv[1], flush_rows=5)
session = Session(channel="api")
reply = Reply("outages", 0.9, "ответ", "answered", "когда дадут свет")
print("started", flush=True)
for turn in range(int(sys.argv[2])):
    session.turns = turn + 1
    chat_log.record(session, reply)
    time.sleep(0.005)
chat_log.close()
"""


def make_reply(text: str = "когда дадут свет") -> Reply:
    return Reply("outages", 0.9, "ответ", ANSWERED, text)


def log_days(path, days_ago: list[int], rate: bool = True) -> list[Session]:
    """Sessions of TURNS_PER_SESSION turns on each of those days from noon, a row a
    minute, in small segments, each turn rated."""
    chat_log = ChatLog(path, flush_rows=ROWS_PER_SEGMENT, flush_seconds=3600)
    sessions = []
    with pytest.MonkeyPatch.context() as patch:
        for age in days_ago:
            minutes = itertools.count()
            patch.setattr(
                chatlog,
                "utc_now",
                lambda age=age, minutes=minutes: NOW - age * DAY + next(minutes) * MINUTE,
            )
            for _ in range(SESSIONS_PER_DAY):
                session = Session(channel="lk")
                sessions.append(session)
                for turn in range(1, TURNS_PER_SESSION + 1):
                    session.turns = turn
                    turn_id = chat_log.record(session, make_reply(f"вопрос {turn}"))
                    if rate:
                        chat_log.record_feedback(session.session_id, turn_id, -1)
        chat_log.close()
    return sessions


def every_row(path, dataset: str) -> pd.DataFrame:
    """The rows a reader sees, in one order, whatever files hold them."""
    key = "turn_id" if dataset == TURNS else "feedback_id"
    rows = segments.query(path, dataset, "SELECT * FROM rows", {})
    return rows.sort_values(key, ignore_index=True)


def files_by_day(path, dataset: str = TURNS) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for file in segments.stored_files(path, dataset):
        found.setdefault(file.parent.name, []).append(file.name)
    return found


def closed_days_are_one_file_each(path, dataset: str = TURNS) -> bool:
    today = f"day={segments.day_of(NOW)}"
    closed = [names for day, names in files_by_day(path, dataset).items() if day < today]
    return all(
        len(names) == 1 and names[0].startswith(segments.COMPACTED_PREFIX)
        for names in closed
    )


def sessions_on_disk(path) -> set[str]:
    """The sessions of every stored file, readable or replaced."""
    files = segments.stored_files(path, TURNS)
    return set(pq.read_table(files, columns=["session_id"])["session_id"].to_pylist())


def file_states(path) -> dict:
    """Each stored file's identity and content stamp: a rewrite changes them."""
    return {
        file: (file.stat().st_ino, file.stat().st_mtime_ns)
        for dataset in (TURNS, FEEDBACK)
        for file in segments.stored_files(path, dataset)
    }


def compact(path, **options):
    return compaction.compact_log(path, NOW, **{"grace_seconds": 0, **options})


@pytest.fixture
def logged(tmp_path):
    """A log of three closed days and today, each day in many small segments."""
    path = tmp_path / "live"
    log_days(path, CLOSED_DAYS + [0])
    return path


def test_every_turn_and_rating_reads_the_same_after_compaction(logged):
    turns, ratings = every_row(logged, TURNS), every_row(logged, FEEDBACK)

    result = compact(logged)

    assert result.days == len(CLOSED_DAYS) and result.written == 2 * len(CLOSED_DAYS)
    pd.testing.assert_frame_equal(every_row(logged, TURNS), turns)
    pd.testing.assert_frame_equal(every_row(logged, FEEDBACK), ratings)
    assert len(turns) == len(ratings) == 4 * SESSIONS_PER_DAY * TURNS_PER_SESSION


def test_each_closed_day_is_one_compacted_file_per_dataset(logged):
    assert not closed_days_are_one_file_each(logged)

    compact(logged)

    assert closed_days_are_one_file_each(logged, TURNS)
    assert closed_days_are_one_file_each(logged, FEEDBACK)
    assert len(files_by_day(logged, FEEDBACK)) == len(CLOSED_DAYS) + 1


def test_todays_partition_is_left_as_the_writers_left_it(logged):
    today = f"day={segments.day_of(NOW)}"
    before = {
        file: state for file, state in file_states(logged).items()
        if file.parent.name == today
    }
    assert len(before) > 2

    compact(logged)

    after = file_states(logged)
    assert {file: after[file] for file in before} == before
    assert [file for file in after if file.parent.name == today] == list(before)


def test_a_second_compaction_changes_nothing(logged):
    compact(logged)
    before = file_states(logged)

    result = compact(logged)

    assert result == compaction.Compaction()
    assert file_states(logged) == before


def test_a_session_deleted_after_compaction_is_gone_and_the_rest_stays(logged):
    chat_log = ChatLog(logged)
    sessions = log_days(logged, [2], rate=False)
    compact(logged)
    forgotten = sessions[0]
    expected = every_row(logged, TURNS).query("session_id != @forgotten.session_id")

    assert chat_log.delete_session(forgotten.session_id) == TURNS_PER_SESSION

    pd.testing.assert_frame_equal(
        every_row(logged, TURNS), expected.reset_index(drop=True)
    )
    assert chat_log.read_turns(forgotten.session_id).empty
    assert closed_days_are_one_file_each(logged)
    chat_log.close()


def test_rows_a_deletion_mark_covers_are_not_carried_into_the_compacted_file(logged):
    # A segment renamed into place after a deletion scanned, before its writer cleaned
    # it: only the mark says the rows are gone.
    forgotten = read_log(logged)["session_id"].iloc[0]
    segments.mark_deleted(logged, forgotten, NOW)

    compact(logged)

    assert forgotten not in set(every_row(logged, TURNS)["session_id"])
    assert forgotten not in set(every_row(logged, FEEDBACK)["session_id"])


def test_a_late_segment_of_a_closed_day_is_merged_into_its_file_next_time(logged):
    compact(logged)
    late = log_days(logged, [1], rate=False)
    expected = every_row(logged, TURNS)
    assert len(files_by_day(logged)[f"day={segments.day_of(NOW - DAY)}"]) > 1

    compact(logged)

    assert len(files_by_day(logged)[f"day={segments.day_of(NOW - DAY)}"]) == 1
    pd.testing.assert_frame_equal(every_row(logged, TURNS), expected)
    assert {session.session_id for session in late} <= set(expected["session_id"])


def test_readers_see_every_row_once_while_replaced_files_still_lie_beside(
    logged, monkeypatch
):
    expected = every_row(logged, TURNS)
    snapshot = TurnSnapshot.load(logged, logged / "no-history.parquet")
    seen_in_grace = {}

    def read_in_grace(_seconds):
        # Compacted files written, the segments they replace not removed yet.
        seen_in_grace["files"] = len(segments.stored_files(logged, TURNS))
        seen_in_grace["rows"] = every_row(logged, TURNS)
        snapshot.refresh()
        seen_in_grace["snapshot"] = snapshot.count()

    monkeypatch.setattr(compaction.time, "sleep", read_in_grace)
    compact(logged)

    assert seen_in_grace["files"] > len(segments.stored_files(logged, TURNS))
    pd.testing.assert_frame_equal(seen_in_grace["rows"], expected)
    assert seen_in_grace["snapshot"] == len(expected)
    snapshot.close()


def test_a_compaction_cut_short_doubles_nothing_and_the_next_run_finishes_it(
    logged, monkeypatch
):
    expected = every_row(logged, TURNS)

    def killed(_seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(compaction.time, "sleep", killed)
    with pytest.raises(KeyboardInterrupt):
        compact(logged)
    pd.testing.assert_frame_equal(every_row(logged, TURNS), expected)
    monkeypatch.undo()

    closed = expected[expected["logged_at"] < NOW.replace(hour=0)]
    forgotten = closed["session_id"].iloc[0]
    ChatLog(logged).delete_session(forgotten)
    # The replaced files left behind lose the rows too, not only the compacted ones.
    assert forgotten not in sessions_on_disk(logged)
    compact(logged)

    assert closed_days_are_one_file_each(logged)
    remaining = every_row(logged, TURNS)
    assert len(remaining) == len(expected) - TURNS_PER_SESSION
    assert forgotten not in set(remaining["session_id"])


def test_a_snapshot_listing_made_just_before_a_compaction_reads_the_merged_files(
    logged, monkeypatch
):
    snapshot = TurnSnapshot.load(logged, logged / "no-history.parquet")
    log_days(logged, [1], rate=False)
    expected = len(every_row(logged, TURNS))
    list_files = snapshot_module.segment_files

    def listed_then_compacted(root, dataset):
        listed = list_files(root, dataset)
        if dataset == TURNS and not compacted_once:
            compacted_once.append(compact(logged))
        return listed

    compacted_once = []
    monkeypatch.setattr(snapshot_module, "segment_files", listed_then_compacted)
    snapshot.refresh()

    assert compacted_once and snapshot.count() == expected
    snapshot.close()


def test_a_late_segment_compacted_before_its_writer_cleans_it_lands_once_and_clean(
    tmp_path, monkeypatch
):
    path = tmp_path / "live"
    chat_log = ChatLog(path, flush_rows=100, flush_seconds=3600)
    forgotten, kept = Session(), Session()
    monkeypatch.setattr(chatlog, "utc_now", lambda: NOW - DAY)
    chat_log.record(forgotten, make_reply("свет"))
    chat_log.record(kept, make_reply("свет"))
    write_segment = segments.write_segment

    def written_then_deleted_and_compacted(*args):
        written = write_segment(*args)
        # Another process deletes, then the daily job compacts, before the writer
        # takes the lock to clean its segment.
        segments.mark_deleted(path, forgotten.session_id, NOW)
        compact(path)
        return written

    monkeypatch.setattr(segments, "write_segment", written_then_deleted_and_compacted)

    assert chat_log.flush()
    assert read_log(path)["session_id"].tolist() == [kept.session_id]
    chat_log.close()


def test_compaction_while_a_process_appends_to_today_loses_nothing(tmp_path):
    path = tmp_path / "live"
    log_days(path, CLOSED_DAYS)
    closed = every_row(path, TURNS)
    writer = subprocess.Popen(
        [sys.executable, "-c", TODAY_WRITER, str(path), str(APPENDED_TURNS)],
        cwd=settings.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "started"
    reads = []
    reader = threading.Thread(target=lambda: reads.append(closed_rows_read(path)))

    reader.start()
    result = compaction.compact_log(path, NOW)
    reader.join()
    assert writer.wait(timeout=120) == 0

    assert result.days == len(CLOSED_DAYS)
    rows = every_row(path, TURNS)
    assert rows["turn_id"].is_unique
    assert len(rows) == len(closed) + APPENDED_TURNS
    assert rows["turn_id"].isin(closed["turn_id"]).sum() == len(closed)
    assert reads and all(count == len(closed) for count in reads[0])


def closed_rows_read(path, reads: int = 40) -> list[int]:
    """The closed days' row count as a reader sees it, read again and again."""
    start_of_today = NOW.replace(hour=0)
    sql = "SELECT count(*) AS n FROM rows WHERE logged_at < $start"
    return [
        int(segments.query(path, TURNS, sql, {"start": start_of_today})["n"].iloc[0])
        for _ in range(reads)
    ]


def test_the_analyst_snapshot_has_the_same_rows_after_compaction(logged):
    columns = (
        "turn_id, session_id, logged_at, masked_text, rating, next_label, "
        "array_to_string(list_sort(reasons), ',') AS reasons"
    )
    sql = f"SELECT {columns} FROM turns ORDER BY turn_id"
    snapshot = TurnSnapshot.load(logged, logged / "no-history.parquet")
    before = snapshot.query(sql)

    compact(logged)
    snapshot.refresh()
    fresh = TurnSnapshot.load(logged, logged / "no-history.parquet")

    pd.testing.assert_frame_equal(snapshot.query(sql), before)
    pd.testing.assert_frame_equal(fresh.query(sql), before)
    assert before["rating"].eq(-1).all()
    snapshot.close()
    fresh.close()


def test_old_days_are_still_cut_after_compaction(logged):
    compact(logged)
    expected = every_row(logged, TURNS)
    # Within the rows of two days ago: their compacted file is rewritten, not dropped.
    later = NOW + 10 * MINUTE
    cutoff = later - 2 * DAY

    deleted = ChatLog(logged).delete_older_than(2, now=later)

    kept = expected[expected["logged_at"] >= cutoff].reset_index(drop=True)
    assert deleted == len(expected) - len(kept)
    assert len(kept) > len(expected[expected["logged_at"] >= NOW - DAY])
    pd.testing.assert_frame_equal(every_row(logged, TURNS), kept)


def test_compact_log_command_merges_the_closed_days(logged, monkeypatch, capsys):
    monkeypatch.setenv(settings.CHATLOG_DIR_ENV, str(logged))

    assert assistant_main(["compact-log"]) == 0

    assert f"compacted 3 days in {logged}" in capsys.readouterr().out
    assert assistant_main(["compact-log"]) == 0
    assert "nothing to compact" in capsys.readouterr().out


def test_the_retention_run_compacts_what_it_keeps_unless_told_not_to(
    logged, monkeypatch, capsys
):
    monkeypatch.setenv(settings.CHATLOG_DIR_ENV, str(logged))
    monkeypatch.delenv(settings.RETENTION_DAYS_ENV, raising=False)

    assert retention_main(["--older-than-days", "30", "--no-compact"]) == 0
    assert "compacted" not in capsys.readouterr().out
    assert retention_main(["--older-than-days", "30"]) == 0

    assert "compacted 3 days" in capsys.readouterr().out
    assert closed_days_are_one_file_each(logged)
