"""`python -m bench`: all figures, as a table and in artifacts/bench.json."""

import argparse
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


# In the order they run: the cold start first, as its memory figure is the high-water mark
# of this process's children.
SECTIONS = ("cold_start", "quality", "latency", "masking", "analytics", "api_load",
            "chat_load")
MEASURES = {"cold_start": measure_cold_start, "quality": read_quality,
            "latency": measure_latency, "masking": masking_figures,
            "analytics": analytics_figures, "api_load": api_load_figures,
            "chat_load": load_figures}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure quality, speed, memory and load; print a table and, when "
                    f"every section ran, write {BENCH_JSON.relative_to(settings.ROOT)}.",
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                        default=list(SECTIONS),
                        help=f"measure only these sections: {', '.join(SECTIONS)}")
    return parser.parse_args(argv)


def table_sections(figures: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The printed sections of the figures measured, in the table's usual order."""
    sections = []
    if "quality" in figures:
        quality = figures["quality"]
        sections.append((f"Quality on the test split (read from {quality['source']}, "
                         f"{quality['model']['test_size']} messages)", quality_rows(quality)))
    if "latency" in figures:
        latency = figures["latency"]
        sections.append((f"Reply latency: {latency['messages']} test messages, a new "
                         f"session every {latency['session_length']}", latency_rows(latency)))
    if "cold_start" in figures:
        sections.append(("Cold start in a fresh process (file cache warm)",
                         cold_rows(figures["cold_start"])))
    if "masking" in figures:
        masking = figures["masking"]
        sections.append((f"Masking on {masking['messages']} labelled messages",
                         masking_rows(masking)))
    if "analytics" in figures:
        analytics = figures["analytics"]
        sections.append((f"Analyst pages' queries over {TURNS_COUNT:,} synthetic turns "
                         f"(target {analytics['target_s']:.0f} s each)",
                         analytics_rows(analytics)))
    if "api_load" in figures:
        api_load = figures["api_load"]
        sections.append((f"HTTP API on loopback, {api_load['workers']} uvicorn workers, "
                         f"{api_load['seconds_per_level']} s per level",
                         api_load_rows(api_load)))
    if "chat_load" in figures:
        sections.append(("Chat page in Chromium, concurrent Streamlit sessions",
                         load_rows(figures["chat_load"])))
    sections.append(("Machine", machine_rows(figures["machine"])))
    return sections


def main(argv: list[str] | None = None) -> None:
    chosen = parse_args(argv).only
    logging.basicConfig(level=logging.WARNING)
    # Checked first: the API load needs wrk, and the figures before it take minutes.
    if "api_load" in chosen:
        try:
            require_wrk()
        except RuntimeError as error:
            raise SystemExit(f"python -m bench: {error}") from None
    # The load is read before this run adds to it.
    figures = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": describe_machine()}
    for section in SECTIONS:
        if section in chosen:
            figures[section] = MEASURES[section]()

    print(format_table(table_sections(figures)))
    if len(chosen) < len(SECTIONS):
        # A part of a run must not stand in the file for a whole one.
        kept = BENCH_JSON.relative_to(settings.ROOT)
        print(f"\na part of the sections: {kept} is left as it was")
        return
    BENCH_JSON.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    BENCH_JSON.write_text(text, encoding="utf-8")
    print(f"\nwritten to {BENCH_JSON.relative_to(settings.ROOT)}")


if __name__ == "__main__":
    main()
