"""The real app in a child process and Debian's Chromium, both once per test session."""

from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="no playwright: run make venv")

from playwright.sync_api import Locator, Page, expect, sync_playwright  # noqa: E402

from assistant import settings  # noqa: E402
from bench.load import (  # noqa: E402
    BOT_MESSAGE,
    CHAT_INPUT,
    CHROMIUM,
    CHROMIUM_ARGS,
    INSTALL_CHROMIUM,
    AppServer,
)

SCREENSHOTS = settings.ROOT / "artifacts" / "screenshots"
# The bubble's content only: its avatar is an icon font whose name is text ("face").
CLIENT_MESSAGE = (
    '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarUser"])'
    ' [data-testid="stChatMessageContent"]'
)
# Streamlit's "Running…" indicator, on the page only while a script run goes on.
RUNNING = '[data-testid="stStatusWidget"]'
# The first page waits for the model and the store to load in the app process.
TIMEOUT_MS = 30_000
# Tall enough for a whole short conversation in one screenshot.
VIEWPORT = {"width": 1000, "height": 1800}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives the running app in Chromium (-m 'not browser')"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Kept on the test, so the page fixture can tell a failure at teardown.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM}: run make test as root, or sudo {INSTALL_CHROMIUM}")


class Chat:
    """One client's tab: open the chat, send a message, screenshot every step."""

    def __init__(self, page: Page, url: str, screenshot: Path) -> None:
        self.page = page
        self.url = url
        self.screenshot = screenshot
        self.bot_messages = page.locator(BOT_MESSAGE)
        self.client_messages = page.locator(CLIENT_MESSAGE)

    def open(self, channel: str = "lk") -> Locator:
        """The chat page of a channel; returns the welcome message."""
        self.page.goto(f"{self.url}/?channel={channel}")
        expect(self.bot_messages).to_have_count(1)
        expect(self.bot_messages.first).not_to_have_text("")
        expect(self.page.locator(CHAT_INPUT)).to_be_editable()
        self.snap()
        return self.bot_messages.first

    def send(self, text: str) -> Locator:
        """Type and press Enter; returns the bot's reply once it is on the page."""
        return self._await_reply(lambda: self._type(text))

    def press(self, button: Locator) -> Locator:
        """Click a button; returns the bot's reply once it is on the page."""
        return self._await_reply(button.click)

    def snap(self) -> None:
        """Once the script run has ended, so the picture shows the whole page."""
        expect(self.page.locator(RUNNING)).to_have_count(0)
        self.page.screenshot(path=self.screenshot, full_page=True)

    def _type(self, text: str) -> None:
        box = self.page.locator(CHAT_INPUT)
        box.fill(text)
        box.press("Enter")

    def _await_reply(self, action) -> Locator:
        count = self.bot_messages.count()
        action()
        expect(self.bot_messages).to_have_count(count + 1)
        reply = self.bot_messages.last
        # The bubble comes before its text: wait until something is written in it.
        expect(reply).not_to_have_text("")
        # A long client message can push the reply below the window.
        reply.scroll_into_view_if_needed()
        self.snap()
        return reply


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app with a chat log of its own; started by the first test that needs it."""
    require_chromium()
    folder = tmp_path_factory.mktemp("app")
    server = AppServer(folder / "chatlog", folder / "streamlit.log")
    yield server
    server.stop()


@pytest.fixture
def app_url(app_server) -> str:
    # A test that reads the chat log stops the app; the next test starts it again.
    return app_server.url or app_server.start()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context, so every test is a new Streamlit session."""
    context = browser.new_context(viewport=VIEWPORT, locale="ru-RU")
    opened = context.new_page()
    yield opened
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed and not opened.is_closed():
        # Where the test stopped, over the last step's picture.
        opened.screenshot(path=screenshot_path(request), full_page=True)
    context.close()


@pytest.fixture
def dialogs(page) -> list[str]:
    """Messages of JavaScript dialogs the page opened; each is dismissed."""
    seen = []

    def record(dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return seen


@pytest.fixture
def chat(page, app_url, request) -> Chat:
    return Chat(page, app_url, screenshot_path(request))


def screenshot_path(request) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{request.node.name}.png"
