"""Load on the HTTP API: N clients on loopback, each in its own session, for a fixed time.

The clients are wrk threads driven by api_load.lua: a load generator in Python took a
good share of the same two cores the API runs on, and so lowered what it measured.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

from assistant import retention, settings
from assistant.chatlog import read_log

CLIENTS = [10, 50, 200]
# The paced run: 50 clients that together offer this many messages per second, a tenth
# above the 300 replies/s aimed for, so that what is served is seen to clear it.
PACED_CLIENTS = 50
PACED_RATE = 330
SECONDS_PER_LEVEL = 15
# Replies still in flight when a level's time is up arrive within this; shorter than
# uvicorn's 5 s keep-alive, which would close the idle connections as read errors.
GRACE_SECONDS = 3
# A reply slower than this counts as a socket error, not a latency.
TIMEOUT_SECONDS = 30
WORKERS = 2
WARM_UP_SECONDS = 5
LUA_SCRIPT = Path(__file__).with_name("api_load.lua")
# Real questions of different topics, so the classifier does its usual work; the test
# split adds several hundred more client messages of every topic.
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
NO_WRK = ("wrk is not installed: `make bench` installs it (as root), or run "
          "`apt-get install -y wrk`")


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError(NO_WRK)
    return path


def load_questions() -> list[str]:
    """QUESTIONS, then the test split's messages; a request to delete one's data is left
    out, since it would delete the turns the bench counts."""
    texts = list(QUESTIONS)
    test_split = settings.SPLIT_DIR / "test.parquet"
    if test_split.exists():
        texts += pd.read_parquet(test_split)["text"].tolist()
    kept = dict.fromkeys(text for text in texts if not retention.is_forget_request(text))
    return list(kept)


def write_bodies(questions: list[str], path: Path) -> None:
    """One JSON request body per line, as api_load.lua reads them."""
    lines = [json.dumps({"text": text}) for text in questions]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_api(port: int, folder: Path, output) -> subprocess.Popen:
    env = {**os.environ, "ASSISTANT_CHATLOG_DIR": str(folder / "live"),
           "ASSISTANT_BOOKINGS_URL": f"sqlite:///{folder / 'bookings.sqlite'}",
           "ASSISTANT_API_RATE_LIMIT_MESSAGES": str(RATE_LIMIT)}
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(WORKERS), "--loop", "uvloop",
               "--http", "httptools", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=settings.ROOT, env=env, stdout=output,
                            stderr=subprocess.STDOUT)


def wait_healthy(url: str, seconds: float = 120) -> None:
    # Loopback only: a proxy named in the environment must not see the bench.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with opener.open(f"{url}/api/v1/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API at {url} did not become healthy in {seconds:.0f} s")


def run_wrk(url: str, bodies: Path, clients: int, seconds: float,
            interval_ms: float) -> dict:
    """One run of api_load.lua; its RESULT line as a dict."""
    command = [require_wrk(), "-t", str(clients), "-c", str(clients),
               "-d", f"{seconds + GRACE_SECONDS:.0f}s", "--timeout", f"{TIMEOUT_SECONDS}s",
               "-s", str(LUA_SCRIPT), url, "--", str(bodies), str(seconds),
               str(interval_ms), str(clients)]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    for line in finished.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"wrk printed no RESULT line:\n{finished.stdout}{finished.stderr}")


def run_level(url: str, bodies: Path, clients: int, seconds: float,
              rate: float = 0.0) -> dict:
    """Closed loop when rate is 0; else the clients together offer `rate` messages/s."""
    interval_ms = 1000 * clients / rate if rate else 0.0
    result = run_wrk(url, bodies, clients, seconds, interval_ms)
    latencies = np.array(result["latencies_ms"], dtype=float)
    errors = result["errors"] + result["session_errors"] + result["socket_errors"]
    return {
        "clients": clients,
        "offered_per_second": rate or None,
        "sent": result["sent"],
        "replies": result["replies"],
        # Sent but neither answered nor refused by the end of the grace time.
        "unanswered": result["sent"] - result["replies"] - result["errors"],
        "errors": errors,
        "statuses": result["statuses"],
        "replies_per_second": round(result["replies"] / max(result["seconds"], 1e-9), 1),
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
    }


def percentile(latencies: np.ndarray, share: float) -> float | None:
    return round(float(np.percentile(latencies, share)), 1) if len(latencies) else None


def api_load_figures(clients: list[int] = CLIENTS, seconds: float = SECONDS_PER_LEVEL) -> dict:
    """Replies per second and latency per level, and whether every reply was logged."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    questions = load_questions()
    # Other work on the machine takes cores from the API: said next to the figures.
    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as name, open(Path(name) / "api.log", "w") as output:
        folder = Path(name)
        bodies = folder / "questions.jsonl"
        write_bodies(questions, bodies)
        server = start_api(port, folder, output)
        try:
            wait_healthy(url)
            # Warm caches and settled workers: the levels measure serving, not start-up.
            warm_up = run_level(url, bodies, WORKERS * 4, WARM_UP_SECONDS)
            levels = [run_level(url, bodies, count, seconds) for count in clients]
            paced = run_level(url, bodies, PACED_CLIENTS, seconds, PACED_RATE)
        finally:
            # SIGTERM lets each worker flush its chat-log segments before it exits.
            server.terminate()
            server.wait(timeout=60)
        logged = len(read_log(folder / "live"))
    runs = [warm_up, *levels, paced]
    replies = sum(run["replies"] for run in runs)
    # Every reply a client got must be in the log; a message left unanswered (none when
    # the server keeps up) may be logged too, so they are counted apart.
    unanswered = sum(run["unanswered"] for run in runs)
    return {"workers": WORKERS, "seconds_per_level": seconds, "questions": len(questions),
            "load_average_1min": load_before, "levels": levels, "paced": paced,
            "replies": replies, "unanswered": unanswered, "logged_turns": logged,
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
    answered = "all answered" if paced["unanswered"] == 0 else f"{paced['unanswered']} not"
    rows.append((
        f"{paced['clients']} clients offering {paced['offered_per_second']}/s",
        f"{paced['replies_per_second']} replies/s served ({paced['sent']} sent, {answered}), "
        f"p50 {paced['p50_ms']} ms, p99 {paced['p99_ms']} ms from when due, "
        f"{paced['errors']} errors",
    ))
    rows.append(("replies / logged turns / lost / unanswered",
                 f"{figures['replies']} / {figures['logged_turns']} / "
                 f"{figures['lost_turns']} / {figures['unanswered']}"))
    rows.append(("load average (1 min) before", str(figures["load_average_1min"])))
    return rows


if __name__ == "__main__":
    result = api_load_figures()
    for name, value in api_load_rows(result):
        print(f"  {name:<40}  {value}")
