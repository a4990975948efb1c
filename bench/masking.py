"""Masking quality on the labelled cases: span precision and recall per type, and speed.

`python -m bench.masking` prints the section; `--convert` rebuilds the JSON lines from
the marked-up source, data/masking/masking_cases.marked.txt.
"""

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

from assistant import settings
from assistant.mask import find_spans, warm_up

MASKING_DIR = settings.DATA_DIR / "masking"
MARKED_TXT = MASKING_DIR / "masking_cases.marked.txt"
CASES_JSONL = MASKING_DIR / "masking_cases.jsonl"
MARK_PATTERN = re.compile(r"\[\[([A-Z]+):(.+?)\]\]")

TYPES = [
    "PHONE",
    "EMAIL",
    "PER",
    "ADDRESS",
    "PASSPORT",
    "SNILS",
    "INN",
    "CARD",
    "ACCOUNT",
    "APPLICATION",
]
DOCUMENTS = ["PASSPORT", "SNILS", "INN", "CARD", "ACCOUNT", "APPLICATION"]
# Minimum recall per group of types, and minimum precision over all spans: the targets.
RECALL_TARGETS = {
    "phones": 0.98,
    "e-mails": 0.98,
    "documents": 0.98,
    "names": 0.90,
    "addresses": 0.90,
}
GROUPS = {
    "phones": ["PHONE"],
    "e-mails": ["EMAIL"],
    "documents": DOCUMENTS,
    "names": ["PER"],
    "addresses": ["ADDRESS"],
}
PRECISION_TARGET = 0.95


def parse_marked(line: str) -> dict:
    """'Я [[PER:Анна]]' → {"text": "Я Анна", "spans": [{"start": 2, "end": 6, ...}]}."""
    text, spans, position = "", [], 0
    for match in MARK_PATTERN.finditer(line):
        text += line[position : match.start()]
        kind, value = match.groups()
        if kind not in TYPES:
            expected = ", ".join(TYPES)
            raise ValueError(f"unknown type {kind!r} in {line!r}; expected: {expected}")
        spans.append({"start": len(text), "end": len(text) + len(value), "type": kind})
        text += value
        position = match.end()
    return {"text": text + line[position:], "spans": spans}


def convert(source: Path = MARKED_TXT, target: Path = CASES_JSONL) -> int:
    """Write the JSON lines for the marked-up cases; returns how many."""
    lines = source.read_text(encoding="utf-8").splitlines()
    cases = [parse_marked(line) for line in lines if line and not line.startswith("#")]
    with target.open("w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    return len(cases)


def load_cases(path: Path = CASES_JSONL) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def overlaps(span: dict, others: list[dict]) -> bool:
    """A hit: the span overlaps one of the others of the same type."""
    return any(
        other["type"] == span["type"]
        and span["start"] < other["end"]
        and other["start"] < span["end"]
        for other in others
    )


def count_hits(cases: list[dict], predictions: list[list[dict]]) -> dict[str, dict]:
    """Per type: gold spans, how many found, predicted spans, how many right."""
    keys = ["gold", "found", "predicted", "right"]
    counts = {kind: dict.fromkeys(keys, 0) for kind in TYPES}
    for case, predicted in zip(cases, predictions, strict=True):
        for span in case["spans"]:
            counts[span["type"]]["gold"] += 1
            counts[span["type"]]["found"] += overlaps(span, predicted)
        for span in predicted:
            counts[span["type"]]["predicted"] += 1
            counts[span["type"]]["right"] += overlaps(span, case["spans"])
    return counts


def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def score(counts: dict[str, dict], kinds: list[str]) -> dict:
    """Precision and recall of the spans of some types taken together."""
    total = {key: sum(counts[kind][key] for kind in kinds) for key in counts[kinds[0]]}
    return {
        **total,
        "precision": ratio(total["right"], total["predicted"]),
        "recall": ratio(total["found"], total["gold"]),
    }


def predict(cases: list[dict]) -> tuple[list[list[dict]], list[float]]:
    """Spans found in every case, and milliseconds per case, models loaded first."""
    warm_up()
    predictions, timings = [], []
    for case in cases:
        started = time.perf_counter()
        spans = find_spans(case["text"])
        timings.append((time.perf_counter() - started) * 1000)
        predictions.append([span._asdict() for span in spans])
    return predictions, timings


def masking_figures(path: Path = CASES_JSONL) -> dict:
    """Span precision and recall per type, per group and overall; time per message."""
    cases = load_cases(path)
    predictions, timings = predict(cases)
    counts = count_hits(cases, predictions)
    milliseconds = np.array(timings)
    return {
        "source": str(path.relative_to(settings.ROOT)),
        "messages": len(cases),
        "types": {kind: score(counts, [kind]) for kind in TYPES},
        "groups": {group: score(counts, kinds) for group, kinds in GROUPS.items()},
        "overall": score(counts, TYPES),
        "mean_ms": round(float(milliseconds.mean()), 2),
        "p99_ms": round(float(np.percentile(milliseconds, 99)), 2),
    }


def format_score(figure: dict) -> str:
    found = f"{figure['found']}/{figure['gold']} found"
    right = f"{figure['right']}/{figure['predicted']} right"
    return f"P {figure['precision']:.3f}  R {figure['recall']:.3f}  ({found}, {right})"


def masking_rows(figures: dict) -> list[tuple[str, str]]:
    """Rows for the bench table: one per type, then overall and speed."""
    rows = []
    for kind, figure in figures["types"].items():
        rows.append((kind, format_score(figure)))
    rows.append(("all types", format_score(figures["overall"])))
    rows.append(
        (
            "time per message, mean / p99",
            f"{figures['mean_ms']:.2f} / {figures['p99_ms']:.2f} ms",
        )
    )
    return rows


def format_section(figures: dict) -> str:
    title = (
        f"Masking: span precision and recall on {figures['messages']} labelled "
        f"messages ({figures['source']})"
    )
    width = max(len(name) for name, _ in masking_rows(figures))
    lines = [title, "-" * len(title)]
    lines += [f"  {name:<{width}}  {value}" for name, value in masking_rows(figures)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--convert", action="store_true", help=f"rebuild {CASES_JSONL.name} first"
    )
    args = parser.parse_args()
    if args.convert:
        count = convert()
        print(f"{count} cases written to {CASES_JSONL.relative_to(settings.ROOT)}")
    print(format_section(masking_figures()))


if __name__ == "__main__":
    main()
