"""Cold start: a fresh interpreter imports the package, loads everything, answers once.

Run as `python -m bench.cold` it prints its phase times as JSON; the parent measures
the wall time and the child's peak memory.
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

# The project root without importing the package: the child times that import itself.
ROOT = Path(__file__).resolve().parent.parent
FIRST_MESSAGE = "Сколько стоит временное подключение для стройки?"


def main() -> None:
    started = time.perf_counter()
    from assistant.service import load_dialog_manager

    imported = time.perf_counter()
    manager = load_dialog_manager()
    loaded = time.perf_counter()
    manager.reply(manager.new_session(), FIRST_MESSAGE)
    answered = time.perf_counter()
    phases = {"import_s": imported - started, "load_s": loaded - imported,
              "first_reply_s": answered - loaded}
    json.dump({name: round(seconds, 3) for name, seconds in phases.items()}, sys.stdout)


def measure_cold_start() -> dict:
    """Wall time and peak RSS of one fresh process; call it before any other child."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "bench.cold"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"cold start failed:\n{result.stderr}")

    # ru_maxrss of RUSAGE_CHILDREN is the largest waited-for child's peak, in KiB on
    # Linux: this process has had no other child, so it is the cold start's own.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    phases = json.loads(result.stdout)
    return {"wall_s": round(wall, 3), **phases, "peak_rss_mb": round(peak_kib / 1024)}


if __name__ == "__main__":
    main()
