"""Forgetting: old chat-log rows by command, one session at the client's request."""

from datetime import datetime, timedelta, timezone

import pytest

from assistant import chatlog, segments
from assistant.chatlog import ChatLog, read_log
from assistant.dialog import ANSWERED, Choice, Reply, Session
from assistant.retention import forget_session, is_forget_request, main

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def make_reply(text: str = "когда дадут свет") -> Reply:
    return Reply("outages", 0.9, "ответ", ANSWERED, text)


@pytest.fixture
def chat_log_path(tmp_path, monkeypatch):
    path = tmp_path / "live"
    monkeypatch.setenv("ASSISTANT_CHATLOG_DIR", str(path))
    monkeypatch.delenv("ASSISTANT_RETENTION_DAYS", raising=False)
    return path


def log_rows_aged(path, ages: list, now: datetime | None = None) -> list[Session]:
    """One session per row, each logged that long before now (days, or a timedelta)."""
    now = now or datetime.now(timezone.utc)
    chat_log = ChatLog(path)
    sessions = [Session(turns=1) for _ in ages]
    with pytest.MonkeyPatch.context() as patch:
        for session, age in zip(sessions, ages, strict=True):
            age = age if isinstance(age, timedelta) else age * DAY
            patch.setattr(chatlog, "utc_now", lambda age=age: now - age)
            chat_log.record(session, make_reply())
        chat_log.close()
    return sessions


def logged_sessions(path) -> list[str]:
    return sorted(read_log(path)["session_id"])


def logged_days(path) -> list[str]:
    return [folder.name for folder in segments.partitions(path, "chat_turns")]


@pytest.mark.parametrize(
    "text",
    [
        "Удалите мои данные",
        "удалите мою переписку",
        "Удалите, пожалуйста, мою переписку!",
        "Прошу удалить мои персональные данные",
        "удолите мои даные",
        "Сотрите переписку",
        "пожалуйста удалите все мои данные из чата",
        "Отзываю согласие на обработку персональных данных",
        "УДАЛИТЕ МОИ ДАННЫЕ",
    ],
)
def test_a_request_to_delete_my_data_is_recognised(text):
    assert is_forget_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "Как удалить заявку?",
        "Почему вы удалили мои данные?",
        "не удаляйте мои данные",
        "Мои данные в заявке указаны неправильно",
        "удалите",
        "мои данные",
        "Как изменить данные в личном кабинете?",
        "Сколько стоит временное подключение на стройку?",
        "",
        "   ",
        "Здравствуйте, подал заявку на подключение дома, мои данные проверили, но "
        "просят удалите лишние документы, что делать дальше и сколько ждать ответа?",
    ],
)
def test_other_messages_are_not_taken_for_a_request_to_delete(text):
    assert not is_forget_request(text)


def test_forgetting_a_session_deletes_its_rows_and_its_context(tmp_path):
    chat_log = ChatLog(tmp_path / "live")
    forgotten, kept = Session(), Session()
    for session in [forgotten, forgotten, kept]:
        chat_log.record(session, make_reply())
    forgotten.history = ["нужно временное подключение"]
    forgotten.service = "temporary"
    forgotten.choices = [Choice("temporary_cost", "Стоимость")]

    assert forget_session(chat_log, forgotten) == 2

    assert chat_log.recent()["session_id"].tolist() == [kept.session_id]
    assert (forgotten.history, forgotten.service, forgotten.choices) == ([], None, [])
    chat_log.close()


def test_forgetting_without_a_chat_log_still_clears_the_context():
    session = Session(history=["нужно временное подключение"], service="temporary")
    session.read_alone["нужно временное подключение"] = None

    assert forget_session(None, session) == 0
    assert (session.history, session.service, session.read_alone) == ([], None, {})


def test_rows_older_than_the_given_days_are_deleted_and_counted(chat_log_path, capsys):
    _, recent = log_rows_aged(chat_log_path, [40, 10])

    assert main(["--older-than-days", "30"]) == 0

    assert "deleted 1 rows older than 30 days" in capsys.readouterr().out
    assert logged_sessions(chat_log_path) == [recent.session_id]


def test_the_default_period_is_a_year(chat_log_path, capsys):
    _, recent = log_rows_aged(chat_log_path, [400, 300])

    assert main([]) == 0

    assert "deleted 1 rows older than 365 days" in capsys.readouterr().out
    assert logged_sessions(chat_log_path) == [recent.session_id]


def test_assistant_retention_days_overrides_the_default(
    chat_log_path, monkeypatch, capsys
):
    monkeypatch.setenv("ASSISTANT_RETENTION_DAYS", "7")
    log_rows_aged(chat_log_path, [8, 6])

    assert main([]) == 0

    assert "deleted 1 rows older than 7 days" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["год", "-1", "1.5", "1000000000"])
def test_a_bad_retention_days_value_is_named_in_the_error(
    chat_log_path, monkeypatch, capsys, value
):
    monkeypatch.setenv("ASSISTANT_RETENTION_DAYS", value)

    with pytest.raises(SystemExit) as exit_info:
        main([])

    assert exit_info.value.code == 2
    assert "ASSISTANT_RETENTION_DAYS" in capsys.readouterr().err


def test_one_session_is_deleted_by_its_id(chat_log_path, capsys):
    forgotten, kept = log_rows_aged(chat_log_path, [1, 1])

    assert main(["--session", forgotten.session_id]) == 0

    printed = capsys.readouterr().out
    assert f"deleted 1 rows of session {forgotten.session_id}" in printed
    assert logged_sessions(chat_log_path) == [kept.session_id]


def test_a_folder_that_cannot_be_written_ends_in_an_error_naming_it(
    chat_log_path, capsys
):
    # A file in the folder's place refuses writes even to root.
    chat_log_path.parent.mkdir(parents=True, exist_ok=True)
    chat_log_path.write_text("not a folder")

    assert main(["--older-than-days", "30"]) == 2

    error = capsys.readouterr().err
    assert error.startswith("error: Chat log") and str(chat_log_path) in error


def test_the_command_has_help_for_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])

    help_text = capsys.readouterr().out
    assert "--older-than-days" in help_text and "--session" in help_text


def test_old_days_go_whole_and_the_boundary_day_is_rewritten(chat_log_path):
    # Noon: an hour either side of the cut stays on the same day.
    now = datetime.now(timezone.utc).replace(hour=12)
    ages = [40 * DAY, 30 * DAY + HOUR, 30 * DAY - HOUR, 10 * DAY]
    sessions = log_rows_aged(chat_log_path, ages, now)
    days_before = logged_days(chat_log_path)

    deleted = ChatLog(chat_log_path).delete_older_than(30, now=now)

    days_after = logged_days(chat_log_path)
    assert deleted == 2
    assert len(days_before) == 3 and days_after == days_before[1:]
    kept = sorted(session.session_id for session in sessions[2:])
    assert logged_sessions(chat_log_path) == kept


def test_rows_queued_in_this_process_obey_the_period_too(tmp_path, monkeypatch):
    chat_log = ChatLog(tmp_path, flush_rows=100, flush_seconds=3600)
    long_ago = datetime.now(timezone.utc) - 40 * DAY
    monkeypatch.setattr(chatlog, "utc_now", lambda: long_ago)
    chat_log.record(Session(), make_reply())

    assert chat_log.delete_older_than(30, now=long_ago + 40 * DAY) == 1

    assert chat_log.queued == 0
    chat_log.close()
