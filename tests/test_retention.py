"""Forgetting: old chat-log rows by command, one session at the client's request."""

from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from assistant.chatlog import ChatLog
from assistant.dialog import ANSWERED, Choice, Reply, Session
from assistant.retention import forget_session, is_forget_request, main

DAY = timedelta(days=1)


def make_reply(text: str = "когда дадут свет") -> Reply:
    return Reply("outages", 0.9, "ответ", ANSWERED, text)


@pytest.fixture
def chat_log_path(tmp_path, monkeypatch):
    path = tmp_path / "live" / "chatlog.duckdb"
    monkeypatch.setenv("ASSISTANT_CHATLOG", str(path))
    monkeypatch.delenv("ASSISTANT_RETENTION_DAYS", raising=False)
    return path


def log_rows_aged(path, ages_in_days: list[int]) -> list[Session]:
    """One session per row, each row logged that many days ago."""
    chat_log = ChatLog(path)
    sessions = [Session(turns=1) for _ in ages_in_days]
    for session in sessions:
        chat_log.record(session, make_reply())
    chat_log.close()

    now = datetime.now(timezone.utc)
    with duckdb.connect(str(path)) as connection:
        for session, age in zip(sessions, ages_in_days, strict=True):
            connection.execute(
                "UPDATE chat_turns SET logged_at = ? WHERE session_id = ?",
                [now - age * DAY, session.session_id],
            )
    return sessions


def logged_sessions(path) -> list[str]:
    with duckdb.connect(str(path)) as connection:
        rows = connection.execute("SELECT session_id FROM chat_turns").fetchall()
    return sorted(row[0] for row in rows)


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
    chat_log = ChatLog(tmp_path / "chatlog.duckdb")
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

    assert forget_session(None, session) == 0
    assert (session.history, session.service) == ([], None)


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


def test_a_file_that_cannot_be_opened_ends_in_an_error_naming_it(chat_log_path, capsys):
    # A directory in the file's place fails to open just as a file locked by the app.
    chat_log_path.mkdir(parents=True)

    assert main(["--older-than-days", "30"]) == 2

    error = capsys.readouterr().err
    assert error.startswith("error: Chat log") and str(chat_log_path) in error


def test_the_command_has_help_for_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])

    help_text = capsys.readouterr().out
    assert "--older-than-days" in help_text and "--session" in help_text
