"""`python -m bench`: all figures, as a table and in artifacts/bench.json."""

import json
import logging
from datetime import datetime, timezone

from assistant import settings

from .analytics import TURNS_COUNT, analytics_figures, analytics_rows
from .api_load import api_load_figures, api_load_rows, require_wrk
from .cold import measure_cold_start
from .latency import measure_latency
from .load import load_figures, load_rows
from .machine import describe_machine
from .masking import masking_figures, masking_rows
from .quality import SYSTEMS, read_quality

BENCH_JSON = settings.ROOT / "artifacts" / "bench.json"


def quality_rows(quality: dict) -> list[tuple[str, str]]:
    rows = []
    for system, name in SYSTEMS.items():
        figures = quality[system]
        rows.append((f"{name}, accuracy", f"{figures['accuracy']:.3f}"))
        rows.append((f"{name}, macro-F1", f"{figures['macro_f1']:.3f}"))
    return rows


def latency_rows(latency: dict) -> list[tuple[str, str]]:
    return [
        ("p50", f"{latency['p50_ms']:.1f} ms"),
        ("p99", f"{latency['p99_ms']:.1f} ms"),
        ("mean / max", f"{latency['mean_ms']:.1f} / {latency['max_ms']:.1f} ms"),
    ]


def cold_rows(cold: dict) -> list[tuple[str, str]]:
    return [
        ("wall time, start to first reply", f"{cold['wall_s']:.2f} s"),
        ("  of which import", f"{cold['import_s']:.2f} s"),
        ("  of which model and store load", f"{cold['load_s']:.2f} s"),
        ("  of which first reply", f"{cold['first_reply_s']:.2f} s"),
        ("peak memory (RSS high-water mark)", f"{cold['peak_rss_mb']:.0f} MB"),
    ]


def machine_rows(machine: dict) -> list[tuple[str, str]]:
    return [
        ("cores (nproc)", str(machine["nproc"])),
        ("CPU", machine["cpu_model"]),
        ("RAM", f"{machine['ram_gb']} GB"),
        ("Python", f"{machine['python']} on {machine['platform']}"),
        ("load average (1 min) before the run", str(machine["load_average_1min"])),
    ]


def format_table(sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    width = max(len(name) for _, rows in sections for name, _ in rows)
    lines = []
    for title, rows in sections:
        lines += ["", title, "-" * len(title)]
        lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines[1:])


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    # Checked first: the API load needs wrk, and the figures before it take minutes.
    try:
        require_wrk()
    except RuntimeError as error:
        raise SystemExit(f"python -m bench: {error}") from None
    # The load is read before this run adds to it.
    machine = describe_machine()
    # Before any other child: the memory figure is the children's high-water mark.
    cold = measure_cold_start()
    quality = read_quality()
    latency = measure_latency()
    masking = masking_figures()
    analytics = analytics_figures()
    api_load = api_load_figures()
    chat_load = load_figures()

    count, every = latency["messages"], latency["session_length"]
    print(format_table([
        (f"Quality on the test split (read from {quality['source']}, "
         f"{quality['model']['test_size']} messages)", quality_rows(quality)),
        (f"Reply latency: {count} test messages, a new session every {every}",
         latency_rows(latency)),
        ("Cold start in a fresh process (file cache warm)", cold_rows(cold)),
        (f"Masking on {masking['messages']} labelled messages", masking_rows(masking)),
        (f"Analyst pages' queries over {TURNS_COUNT:,} synthetic turns "
         f"(target {analytics['target_s']:.0f} s each)", analytics_rows(analytics)),
        (f"HTTP API on loopback, {api_load['workers']} uvicorn workers, "
         f"{api_load['seconds_per_level']} s per level", api_load_rows(api_load)),
        ("Chat page in Chromium, concurrent Streamlit sessions", load_rows(chat_load)),
        ("Machine", machine_rows(machine)),
    ]))

    figures = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "quality": quality, "latency": latency, "cold_start": cold,
               "masking": masking, "analytics": analytics, "api_load": api_load,
               "chat_load": chat_load, "machine": machine}
    BENCH_JSON.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    BENCH_JSON.write_text(text, encoding="utf-8")
    print(f"\nwritten to {BENCH_JSON.relative_to(settings.ROOT)}")


if __name__ == "__main__":
    main()
