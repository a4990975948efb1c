"""The analyst pages' queries over a chat log of 100,000 synthetic turns.

`python -m bench.analytics` prints the section. The turns are written as the live log
writes them (Parquet segments of FLUSH_ROWS rows in day partitions) into a temporary
folder; their texts are masked client messages of the cleaned export, their labels,
confidences and outcomes follow the model's thresholds, some are rated. After the pages'
queries the log is compacted (every day closed) and read again, by the running snapshot
and by a new one.
"""

import json
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from assistant import segments, settings
from assistant.analytics import (
    TurnFilter,
    TurnSnapshot,
    coverage,
    find_clusters,
    quality,
    unresolved_turns,
)
from assistant.analytics.clusters import MAX_TEXTS
from assistant.analytics.snapshot import answer_threshold
from assistant.analytics.unresolved import reason_counts
from assistant.chatlog import FLUSH_ROWS
from assistant.compaction import GRACE_SECONDS, compact_log
from assistant.embed import load_navec
from assistant.labels import all_labels
from assistant.segments import FEEDBACK, TURNS

TURNS_COUNT = 100_000
DAYS = 180
CHANNELS = ["utp", "lk", "mobile"]
RATED_SHARE = 0.05
OPERATOR_SHARE = 0.02
TARGET_SECONDS = 2.0
SEED = 2026
END = datetime(2026, 12, 1, tzinfo=timezone.utc)


def synthetic_turns(count: int, texts: list[str], seed: int = SEED) -> pd.DataFrame:
    """count turns in sessions of 1-6, spread over DAYS days before END."""
    random = np.random.default_rng(seed)
    lengths = random.integers(1, 7, size=count)
    session_of = np.repeat(np.arange(len(lengths)), lengths)[:count]
    turn_index = pd.Series(session_of).groupby(session_of).cumcount().to_numpy() + 1
    labels = np.array(all_labels())
    label = labels[random.integers(0, len(labels), size=count)]
    # Most replies are confident, a tail is not: like the model on the export.
    confidence = np.round(random.beta(5, 1.5, size=count), 4)
    threshold = answer_threshold()
    outcome = np.where(
        confidence >= threshold,
        "answered",
        np.where(random.random(count) < 0.7, "clarified", "fallback"),
    )
    operator = random.random(count) < OPERATOR_SHARE
    label = np.where(operator, "operator", label)
    session_start = (
        END
        - timedelta(days=DAYS)
        + pd.to_timedelta(random.random(len(lengths)) * DAYS, unit="D")
    )
    logged_at = session_start[session_of] + pd.to_timedelta(turn_index, unit="min")
    return pd.DataFrame(
        {
            "turn_id": [f"t{number}" for number in range(count)],
            "session_id": [f"s{session}" for session in session_of],
            "channel": np.array(CHANNELS)[random.integers(0, 3, size=len(lengths))][
                session_of
            ],
            "turn_index": turn_index.astype("int32"),
            "logged_at": logged_at,
            "masked_text": np.array(texts, dtype=object)[
                random.integers(0, len(texts), count)
            ],
            "label": label,
            "confidence": confidence,
            "outcome": outcome,
            "choices": np.where(
                outcome == "clarified",
                json.dumps(["tp_primary_cost", "temporary_cost"]),
                "[]",
            ),
            "top": [json.dumps([[lab, conf]])
                    for lab, conf in zip(label, confidence, strict=True)],
            "source": "live",
        }
    )


def write_log(root: Path, turns: pd.DataFrame, seed: int = SEED) -> int:
    """Segments of FLUSH_ROWS rows per day, as writing processes leave them."""
    files = 0
    days = turns["logged_at"].dt.strftime("%Y-%m-%d")
    for day, rows in turns.groupby(days, sort=True):
        records = rows.to_dict("records")
        for start in range(0, len(records), FLUSH_ROWS):
            segments.write_segment(
                root, TURNS, day, records[start : start + FLUSH_ROWS]
            )
            files += 1
    rated = turns.sample(frac=RATED_SHARE, random_state=seed)
    ratings = pd.DataFrame(
        {
            "feedback_id": [f"f{number}" for number in range(len(rated))],
            "session_id": rated["session_id"].to_numpy(),
            "turn_id": rated["turn_id"].to_numpy(),
            "rating": np.where(np.arange(len(rated)) % 3 == 0, 1, -1).astype("int16"),
            "logged_at": rated["logged_at"] + pd.Timedelta(minutes=1),
        }
    )
    segments.write_segment(
        root, FEEDBACK, END.date().isoformat(), ratings.to_dict("records")
    )
    return files + 1


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def coverage_queries(snapshot, turn_filter: TurnFilter):
    coverage.overall(snapshot, turn_filter)
    coverage.volume_over_time(snapshot, turn_filter, "week", "group")
    coverage.topic_summary(snapshot, turn_filter)
    coverage.rising_topics(snapshot, turn_filter, "week")
    coverage.content_status(snapshot, turn_filter, END.date())
    coverage.confidence_histogram(snapshot, turn_filter)


def unresolved_queries(snapshot, turn_filter: TurnFilter):
    turns = unresolved_turns(snapshot, turn_filter)
    reason_counts(snapshot, turn_filter)
    turns.to_csv(index=False)
    return len(turns)


def quality_queries(snapshot):
    metrics = quality.read_metrics()
    predictions = quality.test_predictions()
    quality.per_topic_f1(metrics)
    quality.confusion(snapshot, predictions)
    quality.confused_pairs(snapshot, predictions)
    quality.validation_results()
    quality.model_version()


def analytics_figures(count: int = TURNS_COUNT) -> dict:
    texts = pd.read_parquet(settings.CLEAN_PARQUET)["text"].tolist()
    turns = synthetic_turns(count, texts)
    load_navec()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "live"
        files = write_log(root, turns)
        load_s, snapshot = timed(lambda: TurnSnapshot.load(root, Path(folder) / "none"))
        # A minute of a busy day later: one new segment from each of two processes.
        extra = synthetic_turns(2 * FLUSH_ROWS, texts, SEED + 1)
        extra["turn_id"] = "late-" + extra["turn_id"]
        write_log(root, extra)
        refresh_s = timed(snapshot.refresh)[0]
        everything = TurnFilter()
        recent = TurnFilter(start=date(2026, 11, 1), channels=("mobile",))
        figures = {
            "turns": snapshot.count(),
            "segments": files,
            "load_s": load_s,
            "refresh_s": refresh_s,
            "coverage_s": timed(lambda: coverage_queries(snapshot, everything))[0],
            "coverage_filtered_s": timed(lambda: coverage_queries(snapshot, recent))[0],
        }
        figures["unresolved_s"], figures["unresolved_rows"] = timed(
            lambda: unresolved_queries(snapshot, everything)
        )
        figures["clusters_s"], clusters = timed(
            lambda: find_clusters(snapshot, everything)
        )
        figures["clusters"] = len(clusters.summary)
        # Another filter over texts whose vectors are cached by now.
        figures["clusters_again_s"] = timed(lambda: find_clusters(snapshot, recent))[0]
        figures["quality_s"] = timed(lambda: quality_queries(snapshot))[0]
        figures.update(compaction_figures(root, Path(folder) / "none", snapshot))
        snapshot.close()
    figures["target_s"] = TARGET_SECONDS
    return {
        name: round(value, 3) if isinstance(value, float) else value
        for name, value in figures.items()
    }


def compaction_figures(root: Path, history: Path, snapshot: TurnSnapshot) -> dict:
    """Compact every day, then read: the running snapshot's refresh, a new snapshot."""
    turns = snapshot.count()
    # The day after the last synthetic one: every day of the log is closed.
    compact_s, result = timed(lambda: compact_log(root, END + timedelta(days=1)))
    refresh_s = timed(snapshot.refresh)[0]
    load_s, compacted = timed(lambda: TurnSnapshot.load(root, history))
    counts = {snapshot.count(), compacted.count()}
    compacted.close()
    if counts != {turns}:
        raise RuntimeError(f"expected {turns} turns after compaction, got {counts}")
    files = sum(len(segments.segment_files(root, name)) for name in (TURNS, FEEDBACK))
    return {
        "compacted_files": files,
        "compacted_days": result.days,
        "compacted_merged": result.merged,
        "compact_s": compact_s,
        "compact_grace_s": GRACE_SECONDS,
        "compacted_refresh_s": refresh_s,
        "compacted_load_s": load_s,
    }


def analytics_rows(figures: dict) -> list[tuple[str, str]]:
    return [
        ("turns, segments", f"{figures['turns']:,} in {figures['segments']:,} files"),
        (
            "read every segment (first page view of a process)",
            f"{figures['load_s']:.2f} s",
        ),
        (
            "refresh: new segments only, rebuild (once a minute)",
            f"{figures['refresh_s']:.2f} s",
        ),
        ("coverage page, all turns", f"{figures['coverage_s']:.2f} s"),
        (
            "coverage page, mobile in November",
            f"{figures['coverage_filtered_s']:.2f} s",
        ),
        (
            f"unresolved page: table, reasons, CSV ({figures['unresolved_rows']:,} rows)",
            f"{figures['unresolved_s']:.2f} s",
        ),
        (
            f"unresolved page: clusters of {MAX_TEXTS:,} texts ({figures['clusters']} groups)",
            f"{figures['clusters_s']:.2f} s",
        ),
        (
            "  the same for mobile in November, vectors cached",
            f"{figures['clusters_again_s']:.2f} s",
        ),
        ("model quality page", f"{figures['quality_s']:.2f} s"),
        (
            f"compaction: {figures['compacted_merged']:,} files of "
            f"{figures['compacted_days']} days into {figures['compacted_files']:,}",
            f"{figures['compact_s']:.2f} s "
            f"(of which {figures['compact_grace_s']:.0f} s of grace for readers)",
        ),
        (
            "  then the running snapshot's refresh",
            f"{figures['compacted_refresh_s']:.2f} s",
        ),
        (
            "  then reading every file (first page view of a process)",
            f"{figures['compacted_load_s']:.2f} s",
        ),
    ]


if __name__ == "__main__":
    for name, value in analytics_rows(analytics_figures()):
        print(f"  {name:<60}  {value}")
