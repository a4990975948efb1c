"""An analyst logs in through Chromium and opens every analyst page; screenshots of each
land in artifacts/screenshots/."""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from assistant import settings
from assistant.accounts import ACCOUNTS_ENV, AnalystAccounts
from assistant.analytics.snapshot import HISTORY_ENV
from bench.load import CHAT_INPUT, AppServer
from tests.analytics_data import turn, write_turns
from tests.browser.conftest import RUNNING, SCREENSHOTS, require_chromium

pytestmark = pytest.mark.browser

NAME, PASSWORD = "olga", "пароль для браузера 2026"
PAGES = {
    "Покрытие тем": "coverage",
    "Нерешённые вопросы": "unresolved",
    "Качество модели": "quality",
    "Разметка": "labelling",
    "Источники фактов": "provenance",
}
LIVE_TURNS = [
    turn(
        "m1",
        1,
        "out_of_scope",
        "fallback",
        0.1,
        "мой номер <PHONE>, что с заявкой",
        channel="mobile",
    ),
    turn("l1", 1, "outages", "answered", 0.96, "когда дадут свет", channel="lk"),
]


@pytest.fixture(scope="module")
def analyst_server(tmp_path_factory):
    """The app with an analyst account and a live log of its own."""
    require_chromium()
    folder = tmp_path_factory.mktemp("analyst-app")
    accounts = folder / "analysts.json"
    AnalystAccounts(accounts).add(NAME, PASSWORD)
    write_turns(folder / "chatlog", LIVE_TURNS)
    server = AppServer(folder / "chatlog", folder / "streamlit.log")
    environment = {
        ACCOUNTS_ENV: str(accounts),
        settings.LABELS_DB_ENV: str(folder / "labels.duckdb"),
        # Only this test's turns: the replayed export would add groups of its own.
        HISTORY_ENV: str(folder / "no-history.parquet"),
    }
    previous = {name: os.environ.get(name) for name in environment}
    # The child process takes its environment at start.
    os.environ.update(environment)
    try:
        server.start()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value
    yield server
    server.stop()


def snap(page: Page, name: str) -> None:
    expect(page.locator(RUNNING)).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"analyst-{name}.png", full_page=True)


def log_in(page: Page, url: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    expect(page.get_by_role("heading", name="Вход для аналитиков")).to_be_visible()
    page.get_by_label("Имя").fill(NAME)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_an_analyst_logs_in_and_opens_every_analyst_page(page, analyst_server):
    log_in(page, analyst_server.url)
    expect(page.get_by_text(f"Вы вошли как {NAME}.")).to_be_visible()
    snap(page, "login")

    for title, name in PAGES.items():
        page.get_by_role("link", name=title).first.click()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page).to_have_url(re.compile(f"/{name}$"))
        snap(page, name)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    expect(page.get_by_role("heading", name="Группы похожих вопросов")).to_have_count(0)


def test_the_unresolved_page_shows_the_mobile_fallback_and_the_csv_button(
    page, analyst_server
):
    log_in(page, analyst_server.url)
    page.get_by_role("link", name="Нерешённые вопросы").first.click()

    expect(page.get_by_text("Нерешённых реплик")).to_be_visible()
    expect(page.get_by_role("button", name="Скачать CSV")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать CSV").click()
    csv_text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "мой номер <PHONE>, что с заявкой" in csv_text
    assert "mobile" in csv_text
    snap(page, "unresolved-csv")


def test_the_unresolved_page_speaks_russian_and_moscow_time(page, analyst_server):
    log_in(page, analyst_server.url)
    page.get_by_role("link", name="Нерешённые вопросы").first.click()
    expect(page.get_by_text("Нерешённых реплик")).to_be_visible()

    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_placeholder("все", exact=True)).to_have_count(5)
    expect(sidebar.get_by_placeholder("Choose options")).to_have_count(0)
    # The grid is drawn on a canvas; its hidden accessible table holds the same text.
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table.locator("th", has_text="время (по Москве)")).to_have_count(1)
    # The mobile fallback was logged at 09:01 UTC.
    expect(table.locator("td", has_text="2026-11-02 12:01")).to_have_count(1)
    snap(page, "unresolved-russian")


def test_a_wrong_password_keeps_the_analyst_pages_hidden(page, analyst_server):
    log_in(page, analyst_server.url, password="не тот пароль")

    expect(page.get_by_text("Неверное имя или пароль.")).to_be_visible()
    expect(page.get_by_role("link", name="Покрытие тем")).to_have_count(0)
    snap(page, "wrong-password")


def test_an_analyst_page_address_without_login_shows_the_chat(page, analyst_server):
    page.goto(f"{analyst_server.url}/unresolved")

    expect(page.locator(CHAT_INPUT)).to_be_editable()
    expect(page.get_by_role("heading", name="Нерешённые вопросы")).to_have_count(0)
    snap(page, "no-login")


def test_an_analyst_labels_a_group_of_messages_as_spam(page, analyst_server):
    log_in(page, analyst_server.url)
    page.get_by_role("link", name="Разметка").first.click()
    expect(page.get_by_text("Группа похожих сообщений")).to_be_visible()

    page.get_by_label("Спам").first.check(force=True)
    page.get_by_role("button", name="Разметить всю группу").click()

    expect(page.get_by_text("Сохранено меток: 1.")).to_be_visible()
    nothing_left = page.get_by_text("Неразмеченных сообщений в выбранном срезе нет.")
    expect(nothing_left).to_be_visible()
    snap(page, "labelling-saved")
