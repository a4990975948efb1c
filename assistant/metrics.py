"""Quality figures of a set of predictions: accuracy, macro-F1 and per-topic scores."""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support


def quality(truth: list[str], predicted: list[str], labels: list[str]) -> dict:
    """Overall and per-topic figures, rounded for metrics.json."""
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_topic = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                "f1": round(float(f), 4), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        if s > 0
    }
    present = [label for label in labels if label in set(truth)]
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=present, average="macro",
                                         zero_division=0)), 4),
        "size": len(truth),
        "per_topic": per_topic,
    }


def most_confused(truth: list[str], predicted: list[str], limit: int = 10) -> list[dict]:
    """The label pairs mixed up most often, worst first."""
    pairs: dict[tuple[str, str], int] = {}
    for actual, guess in zip(truth, predicted):
        if actual != guess:
            pairs[(actual, guess)] = pairs.get((actual, guess), 0) + 1
    ranked = sorted(pairs.items(), key=lambda item: -item[1])[:limit]
    return [{"actual": a, "predicted": p, "count": n} for (a, p), n in ranked]


def share(mask: np.ndarray) -> float:
    return round(float(mask.mean()), 4) if len(mask) else 0.0
