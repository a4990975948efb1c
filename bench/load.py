"""Load through a real browser: N clients chat with the app at once, on loopback only.

`python -m bench.load` prints the section. There is no HTTP API yet, so every client is
a Chromium page: the figures include Streamlit's websocket round trip and the page's
rendering, and Chromium shares the machine's cores with the app it measures.
"""

import asyncio
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from assistant import settings
from assistant.chatlog import CHATLOG_ENV

log = logging.getLogger(__name__)

# Debian's package: Playwright's own browser download is not reachable from here or CI.
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = "apt-get install -y --no-install-recommends chromium"
# Without the background-networking, update and sync switches Chromium keeps calling
# Google's servers, and the closed network refuses those connections.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HOST = "127.0.0.1"
APP_SCRIPT = settings.ROOT / "app" / "main.py"
APP_OPTIONS = {
    "server.address": HOST,
    "server.headless": "true",
    # No reloads while the tests type, and no watcher threads eating a core.
    "server.fileWatcherType": "none",
    "browser.gatherUsageStats": "false",
}
START_SECONDS = 60
STOP_SECONDS = 10

BOT_MESSAGE = (
    '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])'
)
CHAT_INPUT = '[data-testid="stChatInput"] textarea'
CLIENTS = [10, 50]
MESSAGES_PER_CLIENT = 3
# Client questions from the chat-log export (test split), without personal data.
QUESTIONS = [
    "Сколько обойдётся временное подключение строительного городка на 150 кВт?",
    "срок рассмотрения временной заявки",
    "Как передать показания через мобильное приложение Россети?",
    "Хочу заказать у вас проект электроснабжения дома — что от меня требуется?",
    "сколько дней на рассмотрение",
    "Скажите, увеличение мощности для ИП дороже, чем для физлица?",
    "Подскажите, какие платные услуги ваша компания оказывает физическим лицам?",
    "С какого дня начинает течь срок рассмотрения уведомления о перераспределении?",
    "максимальный размер файла в ЛК",
]
# Hard bounds per level of load (and for the warm-up): opening every page, then the
# whole chatting phase. With the start, [10, 50] ends within 13 minutes whatever
# happens; on this project's 2 cores it takes about 2.
OPEN_SECONDS = 120
CHAT_SECONDS = 120
POLL_MS = 50
# A reply later than this counts as an error rather than a latency.
REPLY_MS = 60_000


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def app_command(port: int) -> list[str]:
    # The interpreter running this code is the project's .venv one.
    options = {**APP_OPTIONS, "server.port": port}
    flags = [f"--{name}={value}" for name, value in options.items()]
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), *flags]


class AppServer:
    """The chat app in a child process on a free loopback port, logging to chat_log."""

    def __init__(self, chat_log: Path, output: Path) -> None:
        self.chat_log = chat_log
        self.output = output
        self.process: subprocess.Popen | None = None
        self.url: str | None = None

    def start(self) -> str:
        """Start the app and wait for its health check; returns its URL."""
        port = free_port()
        environment = {**os.environ, CHATLOG_ENV: str(self.chat_log)}
        with self.output.open("ab") as output:
            self.process = subprocess.Popen(
                app_command(port),
                cwd=settings.ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self._wait_healthy(f"http://{HOST}:{port}")
        self.url = f"http://{HOST}:{port}"
        return self.url

    def stop(self) -> None:
        """End the app; it releases the chat log file when it exits."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process, self.url = None, None

    def _wait_healthy(self, url: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if is_healthy(url):
                return
            time.sleep(0.2)
        self.stop()
        tail = self.output.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(
            f"the app at {url} did not start in {START_SECONDS} s:\n{tail}"
        )

    def __enter__(self) -> "AppServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def questions_for(client: int) -> list[str]:
    """Each client starts elsewhere in the list, so the topics at any moment differ."""
    turns = range(MESSAGES_PER_CLIENT)
    return [QUESTIONS[(client + turn) % len(QUESTIONS)] for turn in turns]


async def open_chat(context, url: str):
    """A page (a Streamlit session of its own) showing the welcome and the input."""
    page = await context.new_page()
    await page.goto(f"{url}/?channel=lk", timeout=OPEN_SECONDS * 1000)
    await wait_for_bot_messages(page, 1, OPEN_SECONDS * 1000)
    await page.locator(CHAT_INPUT).wait_for(timeout=OPEN_SECONDS * 1000)
    return page


async def wait_for_bot_messages(page, count: int, timeout_ms: int) -> None:
    # Polled at a fixed short step: expect() backs off to one-second steps, which
    # would round latencies up, and polling every frame on 50 pages takes CPU
    # that the app under test needs.
    await page.wait_for_function(
        "([selector, count]) => document.querySelectorAll(selector).length >= count",
        arg=[BOT_MESSAGE, count],
        polling=POLL_MS,
        timeout=timeout_ms,
    )


async def ask(page, question: str, expected: int) -> float:
    """Seconds from pressing Enter to the new bot message in the page."""
    box = page.locator(CHAT_INPUT)
    await box.fill(question, timeout=REPLY_MS)
    started = time.perf_counter()
    await box.press("Enter", timeout=REPLY_MS)
    await wait_for_bot_messages(page, expected, REPLY_MS)
    return time.perf_counter() - started


async def chat(page, questions: list[str], latencies: list[float]) -> None:
    """Ask one question after another; a failed one ends this client's chat."""
    try:
        for turn, question in enumerate(questions):
            # The welcome is bot message 1, so the reply to turn 0 is message 2.
            latencies.append(await ask(page, question, turn + 2))
    except PlaywrightError as error:
        log.warning("client stopped after %d replies: %s", len(latencies), error)


async def open_chats(context, url: str, count: int) -> list:
    """Pages that opened within the bound; the rest count as errors later."""
    tasks = [asyncio.create_task(open_chat(context, url)) for _ in range(count)]
    done, pending = await asyncio.wait(tasks, timeout=OPEN_SECONDS)
    await cancel(pending)
    pages = [task.result() for task in done if task.exception() is None]
    if len(pages) < count:
        log.warning(
            "%d of %d pages did not open in %d s",
            count - len(pages),
            count,
            OPEN_SECONDS,
        )
    return pages


async def cancel(tasks) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def chat_all(pages: list) -> tuple[list[float], float]:
    """All clients chat at once; each reply's latency and the phase's seconds."""
    per_client = [[] for _ in pages]
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(chat(page, questions_for(number), per_client[number]))
        for number, page in enumerate(pages)
    ]
    _, pending = await asyncio.wait(tasks, timeout=CHAT_SECONDS)
    elapsed = time.perf_counter() - started
    await cancel(pending)
    return [latency for latencies in per_client for latency in latencies], elapsed


async def measure_level(context, url: str, count: int) -> dict:
    started = time.perf_counter()
    pages = await open_chats(context, url, count)
    opening = time.perf_counter() - started
    latencies, elapsed = await chat_all(pages)
    for page in pages:
        await page.close()
    figures = summarise(count, len(pages), latencies, elapsed)
    return {**figures, "open_s": round(opening, 1)}


def summarise(count: int, opened: int, latencies: list[float], elapsed: float) -> dict:
    """The level's figures; the latencies are those of the replies that came."""
    milliseconds = np.array(latencies) * 1000
    sent = count * MESSAGES_PER_CLIENT

    def percentile(share: int) -> float | None:
        if not latencies:
            return None
        return round(float(np.percentile(milliseconds, share)), 1)

    return {
        "clients": count,
        "pages_opened": opened,
        "messages": sent,
        "replies": len(latencies),
        # Unopened pages, failed and timed-out replies alike: messages with no reply.
        "errors": sent - len(latencies),
        "replies_per_s": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "chat_s": round(elapsed, 1),
    }


async def warm_up(context, url: str) -> None:
    """Every question once, untimed: first-use loads belong to the cold start."""
    latencies = []

    async def ask_all() -> None:
        page = await open_chat(context, url)
        await chat(page, QUESTIONS, latencies)
        await page.close()

    await asyncio.wait_for(ask_all(), OPEN_SECONDS + CHAT_SECONDS)
    if len(latencies) < len(QUESTIONS):
        raise RuntimeError(f"warm-up got {len(latencies)} of {len(QUESTIONS)} replies")


async def measure(url: str, clients: list[int]) -> list[dict]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        # One context for every page: each page is still a Streamlit session of its
        # own, and the shared caches spare parsing Streamlit's scripts per page.
        context = await browser.new_context()
        try:
            await warm_up(context, url)
            return [await measure_level(context, url, count) for count in clients]
        finally:
            await browser.close()


def load_figures(clients: list[int] = CLIENTS) -> dict:
    """Replies per second, latency p50 / p99 and errors for each number of clients."""
    if not CHROMIUM.exists():
        raise SystemExit(f"no {CHROMIUM}; install it as root: {INSTALL_CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        # A chat log of its own: the load must not land in data/live/.
        server = AppServer(Path(folder) / "chatlog", Path(folder) / "app.log")
        with server:
            levels = asyncio.run(measure(server.url, list(clients)))
    return {"messages_per_client": MESSAGES_PER_CLIENT, "levels": levels}


def load_rows(figures: dict) -> list[tuple[str, str]]:
    rows = []
    for level in figures["levels"]:
        name = f"{level['clients']} clients"
        rows.append((f"{name}, replies per second", f"{level['replies_per_s']:.2f}"))
        latency = f"{level['p50_ms']} / {level['p99_ms']} ms"
        if not level["replies"]:
            latency = "no replies"
        rows.append((f"{name}, latency p50 / p99", latency))
        rows.append((f"{name}, errors", f"{level['errors']} of {level['messages']}"))
    return rows


def format_section(figures: dict) -> str:
    title = (
        f"Load through Chromium: {figures['messages_per_client']} messages per "
        "client, Enter to reply on the page"
    )
    rows = load_rows(figures)
    width = max(len(name) for name, _ in rows)
    lines = [title, "-" * len(title)]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    print(format_section(load_figures()))


if __name__ == "__main__":
    main()
