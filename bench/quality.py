"""Model and baseline figures, as the evaluate stage wrote models/metrics.json."""

import json

from assistant import settings

SYSTEMS = {"model": "CatBoost topic model", "baseline": "TF-IDF + logistic regression"}


def read_quality() -> dict:
    """Accuracy and macro-F1 of both systems on the test split, not recomputed."""
    if not settings.METRICS_JSON.exists():
        build = settings.BUILD_COMMAND
        raise SystemExit(f"{settings.METRICS_JSON} not found; run: {build}")
    metrics = json.loads(settings.METRICS_JSON.read_text(encoding="utf-8"))
    figures = {
        system: {
            "accuracy": metrics[system]["accuracy"],
            "macro_f1": metrics[system]["macro_f1"],
            "test_size": metrics[system]["size"],
        }
        for system in SYSTEMS
    }
    figures["source"] = str(settings.METRICS_JSON.relative_to(settings.ROOT))
    return figures
