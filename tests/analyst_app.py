"""The app as an analyst opens it in AppTest: an account, a live log, the login."""

from streamlit.testing.v1 import AppTest

from assistant import settings
from assistant.accounts import ACCOUNTS_ENV, AnalystAccounts
from assistant.chatlog import CHATLOG_ENV
from tests.analytics_data import write_turns

APP_DIR = settings.ROOT / "app"
APP = APP_DIR / "main.py"
TIMEOUT = 120
NAME, PASSWORD = "anna", "пароль аналитика 2026"


def prepare_analyst_env(tmp_path, monkeypatch, live_turns: list[dict]):
    """An analyst account, a live log of live_turns and a labels file of the test."""
    accounts = tmp_path / "analysts.json"
    AnalystAccounts(accounts).add(NAME, PASSWORD)
    chatlog = tmp_path / "live"
    write_turns(chatlog, live_turns)
    monkeypatch.setenv(ACCOUNTS_ENV, str(accounts))
    monkeypatch.setenv(CHATLOG_ENV, str(chatlog))
    monkeypatch.setenv(settings.LABELS_DB_ENV, str(tmp_path / "labels.duckdb"))
    return chatlog


def open_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def log_in(app: AppTest, name: str = NAME, password: str = PASSWORD) -> AppTest:
    app.switch_page("views/login.py").run()
    app.text_input(key="login_name").set_value(name)
    app.text_input(key="login_password").set_value(password)
    return app.button[0].click().run()


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def logged_in_app() -> AppTest:
    app = log_in(open_app())
    assert app.session_state["analyst"] == NAME
    return app
