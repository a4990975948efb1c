"""Load on the HTTP API: N clients on loopback, each in its own session, for a fixed time."""

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import numpy as np

from assistant import settings
from assistant.chatlog import read_log

CLIENTS = [10, 50, 200]
# The paced run: 50 clients that together offer this many messages per second.
PACED_CLIENTS = 50
PACED_RATE = 300
SECONDS_PER_LEVEL = 15
WORKERS = 2
WARM_UP_SECONDS = 5
# Real questions of different topics, so the classifier does its usual work.
QUESTIONS = [
    "Сколько стоит временное подключение для стройки?",
    "а сколько рассматривают?",
    "Когда дадут свет на улице Садовой?",
    "Как передать показания счётчика?",
    "Хочу увеличить мощность с 5 до 15 кВт",
    "Где ближайший клиентский офис?",
]
# Far above the per-session limit would turn the bench into a 429 test.
RATE_LIMIT = 100_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_api(port: int, log_dir: Path, output) -> subprocess.Popen:
    env = {**os.environ, "ASSISTANT_CHATLOG_DIR": str(log_dir),
           "ASSISTANT_API_RATE_LIMIT_MESSAGES": str(RATE_LIMIT)}
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(WORKERS), "--log-level", "warning"]
    return subprocess.Popen(command, cwd=settings.ROOT, env=env, stdout=output,
                            stderr=subprocess.STDOUT)


async def wait_healthy(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{url}/api/v1/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"the API at {url} did not become healthy in {seconds:.0f} s")


async def open_session(http: aiohttp.ClientSession, url: str) -> str | None:
    async with http.post(f"{url}/api/v1/sessions", json={"channel": "mobile"}) as response:
        if response.status != 201:
            return None
        return (await response.json())["session_id"]


async def send(http, messages: str, turn: int, since: float, results: dict) -> None:
    """One message; its latency counts from `since`, when it was due to be sent."""
    question = QUESTIONS[turn % len(QUESTIONS)]
    async with http.post(messages, json={"text": question}) as reply:
        await reply.read()
        ok = reply.status == 200
    results["latencies" if ok else "errors_list"].append(time.perf_counter() - since)


async def one_client(url: str, number: int, stop_at: float, results: dict,
                     interval: float = 0.0) -> None:
    """One session on its own keep-alive connection, so it stays with one worker.

    interval 0: the next message goes as soon as the reply is in (a saturation test).
    Otherwise messages are due every `interval` seconds whatever the replies do, and a
    late reply counts from when its message was due, so a slow server cannot hide its
    queue by slowing the clients down."""
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as http:
        session_id = await open_session(http, url)
        if session_id is None:
            results["errors"] += 1
            return
        messages = f"{url}/api/v1/sessions/{session_id}/messages"
        turn = number
        # Paced clients start spread over one interval, not all in the same instant.
        due = time.perf_counter() + interval * (number % PACED_CLIENTS) / PACED_CLIENTS
        while time.monotonic() < stop_at:
            if interval:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            started = due if interval else time.perf_counter()
            await send(http, messages, turn, started, results)
            due += interval
            turn += 1


async def run_level(url: str, clients: int, seconds: float, rate: float = 0.0) -> dict:
    """Closed loop when rate is 0; else the clients together offer `rate` messages/s."""
    results = {"latencies": [], "errors_list": [], "errors": 0}
    interval = clients / rate if rate else 0.0
    started = time.monotonic()
    stop_at = started + seconds
    await asyncio.gather(*(one_client(url, n, stop_at, results, interval)
                           for n in range(clients)))
    elapsed = time.monotonic() - started
    latencies = np.array(results["latencies"]) * 1000
    return {
        "clients": clients,
        "offered_per_second": rate or None,
        "replies": len(latencies),
        "errors": results["errors"] + len(results["errors_list"]),
        "replies_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)), 1) if len(latencies) else None,
        "p99_ms": round(float(np.percentile(latencies, 99)), 1) if len(latencies) else None,
    }


def api_load_figures(clients: list[int] = CLIENTS, seconds: float = SECONDS_PER_LEVEL) -> dict:
    """Replies per second and latency per level, and whether every reply was logged."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "api.log", "w") as output:
        log_dir = Path(folder) / "live"
        server = start_api(port, log_dir, output)
        try:
            asyncio.run(wait_healthy(url))
            # Each worker loads its tagger and morphology on first use: not part of a level.
            warm_up = asyncio.run(run_level(url, WORKERS * 4, WARM_UP_SECONDS))
            levels = [asyncio.run(run_level(url, count, seconds)) for count in clients]
            paced = asyncio.run(run_level(url, PACED_CLIENTS, seconds, PACED_RATE))
        finally:
            # SIGTERM lets each worker flush its chat-log segments before it exits.
            server.terminate()
            server.wait(timeout=60)
        logged = len(read_log(log_dir))
    replies = warm_up["replies"] + paced["replies"] + sum(level["replies"] for level in levels)
    return {"workers": WORKERS, "seconds_per_level": seconds, "levels": levels,
            "paced": paced, "replies": replies, "logged_turns": logged,
            "lost_turns": replies - logged}


def api_load_rows(figures: dict) -> list[tuple[str, str]]:
    rows = []
    for level in figures["levels"]:
        rows.append((
            f"{level['clients']} clients",
            f"{level['replies_per_second']} replies/s, p50 {level['p50_ms']} ms, "
            f"p99 {level['p99_ms']} ms, {level['errors']} errors",
        ))
    paced = figures["paced"]
    rows.append((
        f"{paced['clients']} clients offering {paced['offered_per_second']}/s",
        f"{paced['replies_per_second']} replies/s, p50 {paced['p50_ms']} ms, "
        f"p99 {paced['p99_ms']} ms, {paced['errors']} errors",
    ))
    rows.append(("replies / logged turns / lost",
                 f"{figures['replies']} / {figures['logged_turns']} / {figures['lost_turns']}"))
    return rows


if __name__ == "__main__":
    result = api_load_figures()
    for name, value in api_load_rows(result):
        print(f"  {name:<32}  {value}")
