"""The model's quality for analysts: metrics, confusions with examples, data checks, version.

Everything is read from what the pipeline wrote: models/metrics.json and
models/plots/confusion.csv (evaluate), the test split (split), the great-expectations
results (validate, build_kb) and dvc.lock.
"""

import hashlib
import json
from pathlib import Path

import pandas as pd
import yaml

from .. import settings
from ..chatlogs import read_labelled

SYSTEMS = ("model", "baseline")
OVERALL_FIGURES = (
    "accuracy",
    "macro_f1",
    "size",
    "answered_share",
    "answered_accuracy",
    "calibration_error",
    "follow_up_accuracy",
)
VALIDATION_FOLDERS = {
    "validate": settings.VALIDATION_DIR,
    "build_kb": settings.KB_VALIDATION_DIR,
}
EXAMPLES_PER_PAIR = 3

CONFUSION_SQL = """
SELECT actual, predicted, count(*) AS messages FROM predictions GROUP BY ALL
ORDER BY actual, predicted
"""
CONFUSED_PAIRS_SQL = """
SELECT actual, predicted, count(*) AS messages,
       list(text ORDER BY position)[1:{examples}] AS examples
FROM predictions WHERE actual <> predicted
GROUP BY ALL ORDER BY messages DESC, actual, predicted LIMIT $limit
"""


class QualityReportMissingError(FileNotFoundError):
    def __init__(self, path: Path):
        super().__init__(f"{path} is missing; run: {settings.BUILD_COMMAND}")


def read_metrics(path: Path = settings.METRICS_JSON) -> dict:
    if not path.exists():
        raise QualityReportMissingError(path)
    return json.loads(path.read_text(encoding="utf-8"))


def overall_figures(metrics: dict) -> pd.DataFrame:
    """One row per figure, a column per system (the model and the baseline)."""
    rows = [
        {"figure": name, **{system: metrics[system].get(name) for system in SYSTEMS}}
        for name in OVERALL_FIGURES
    ]
    return pd.DataFrame(rows)


def per_topic_f1(metrics: dict) -> pd.DataFrame:
    """Per-topic precision, recall and F1 of the model, worst F1 first."""
    rows = [
        {
            "label": label,
            **scores,
            "baseline_f1": metrics["baseline"]["per_topic"].get(label, {}).get("f1"),
        }
        for label, scores in metrics["model"]["per_topic"].items()
    ]
    return pd.DataFrame(rows).sort_values(["f1", "label"]).reset_index(drop=True)


def test_predictions(
    plots_dir: Path = settings.PLOTS_DIR, split_dir: Path = settings.SPLIT_DIR
) -> pd.DataFrame:
    """The evaluate stage's predictions beside the masked test messages they are for."""
    path = plots_dir / "confusion.csv"
    if not path.exists():
        raise QualityReportMissingError(path)
    predictions = pd.read_csv(path)
    test_path = split_dir / "test.parquet"
    # evaluate writes one row per labelled test message, in the split's order.
    if test_path.exists():
        texts = read_labelled(test_path)["text"]
        if len(texts) == len(predictions):
            predictions["text"] = texts.to_numpy()
    if "text" not in predictions:
        predictions["text"] = None
    return predictions.rename_axis("position").reset_index()


def confusion(snapshot, predictions: pd.DataFrame) -> pd.DataFrame:
    """Counts of (actual, predicted) pairs on the test split."""
    return snapshot.query(CONFUSION_SQL, tables={"predictions": predictions})


def confused_pairs(
    snapshot, predictions: pd.DataFrame, limit: int = 10
) -> pd.DataFrame:
    """The pairs mixed up most often, with masked test messages as examples."""
    sql = CONFUSED_PAIRS_SQL.format(examples=EXAMPLES_PER_PAIR)
    return snapshot.query(sql, {"limit": limit}, tables={"predictions": predictions})


def validation_results(folders: dict[str, Path] = VALIDATION_FOLDERS) -> pd.DataFrame:
    """One row per great-expectations suite: its stage, success and failed checks."""
    rows = []
    for stage, folder in folders.items():
        for path in sorted(folder.glob("*.json")):
            rows.extend(suite_rows(stage, path))
    return pd.DataFrame(rows, columns=["stage", "suite", "success", "checks", "failed"])


def suite_rows(stage: str, path: Path) -> list[dict]:
    document = json.loads(path.read_text(encoding="utf-8"))
    results = document.get("results")
    if results is None:
        # build_kb's summary file lists its suites, each also written on its own.
        return []
    failed = [
        result["expectation_config"]["type"]
        for result in results
        if not result.get("success")
    ]
    return [
        {
            "stage": stage,
            "suite": path.stem,
            "success": bool(document["success"]),
            "checks": len(results),
            "failed": ", ".join(failed),
        }
    ]


def model_version(lock_path: Path = settings.DVC_LOCK) -> dict:
    """Hashes that identify the served model: its files, its data and its params."""
    if not lock_path.exists():
        raise QualityReportMissingError(lock_path)
    stages = yaml.safe_load(lock_path.read_text(encoding="utf-8"))["stages"]
    train = stages.get("train", {})
    params = train.get("params", {}).get("params.yaml", {})
    return {
        "model": hash_of(train.get("outs", []), "models/topic"),
        "data": hash_of(train.get("deps", []), "data/processed/split"),
        "params": hashlib.md5(
            json.dumps(params, sort_keys=True).encode("utf-8")
        ).hexdigest(),
        "code": hash_of(train.get("deps", []), "pipelines/train.py"),
        "raw_export": hash_of(
            stages.get("clean", {}).get("deps", []), stage_input("clean")
        ),
    }


def hash_of(entries: list[dict], path: str) -> str | None:
    for entry in entries:
        if entry.get("path") == path:
            return entry.get("md5")
    return None


def stage_input(stage: str) -> str:
    return settings.stage_params(stage).get("input", "")
