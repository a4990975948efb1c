"""DVC stage evaluate: the topic model and the TF-IDF baseline on the same test split."""

import argparse
import json
import logging
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from assistant import settings
from assistant.baseline import baseline_texts, make_baseline
from assistant.classifier import TopicClassifier
from assistant.chatlogs import read_labelled
from assistant.features import contexts_of
from assistant.labels import all_labels
from assistant.logs import setup_logging
from assistant.metrics import most_confused, quality, share
from assistant.thresholds import expected_calibration_error

log = logging.getLogger("evaluate")


def evaluate_model(classifier: TopicClassifier, test: pd.DataFrame) -> tuple[dict, list[str]]:
    predictions = classifier.predict_many(test["text"].tolist(), contexts_of(test))
    truth = test["topic"].tolist()
    predicted = [p.label for p in predictions]
    figures = quality(truth, predicted, all_labels())

    confidence = np.array([p.confidence for p in predictions])
    correct = np.array(predicted) == np.array(truth)
    answered = confidence >= classifier.thresholds.answer
    figures["calibration_error"] = round(expected_calibration_error(confidence, correct), 4)
    figures["answered_share"] = share(answered)
    figures["answered_accuracy"] = share(correct[answered]) if answered.any() else 0.0
    follow_ups = (test["context"] != "").to_numpy()
    figures["follow_up_accuracy"] = share(correct[follow_ups])
    figures["follow_up_size"] = int(follow_ups.sum())
    return figures, predicted


def against_operator_labels(test: pd.DataFrame, predicted: list[str]) -> dict:
    """Accuracy against the export's own labels, where the operators gave one.

    The reviewed labels are the reference; this shows how much of a change in the figures
    comes from the review rather than from the model."""
    labelled = test["operator_topic"].notna().to_numpy()
    operator = test["operator_topic"].to_numpy()[labelled]
    correct = np.array(predicted)[labelled] == operator
    reviewed_differs = operator != test["topic"].to_numpy()[labelled]
    return {"accuracy": share(correct), "size": int(labelled.sum()),
            "labels_changed_by_review": int(reviewed_differs.sum())}


def train_baseline(train: pd.DataFrame, params: dict):
    baseline = make_baseline(params["baseline_max_features"], params["seed"])
    baseline.fit(baseline_texts(train["text"], contexts_of(train)), train["topic"].tolist())
    return baseline


def evaluate_baseline(baseline, test: pd.DataFrame) -> dict:
    predicted = baseline.predict(baseline_texts(test["text"], contexts_of(test)))
    return quality(test["topic"].tolist(), list(predicted), all_labels())


def by_perturbation(classifier: TopicClassifier, hard: pd.DataFrame) -> dict:
    """Accuracy of the model on each kind of messy variant."""
    predictions = classifier.predict_many(hard["text"].tolist(), contexts_of(hard))
    correct = pd.Series([p.label for p in predictions], index=hard.index) == hard["topic"]
    grouped = correct.groupby(hard["perturbation"])
    return {kind: {"accuracy": round(float(values.mean()), 4), "size": int(values.size)}
            for kind, values in grouped}


def evaluate_hard(classifier: TopicClassifier, baseline, hard: pd.DataFrame) -> dict:
    """The same figures on the hard split, with accuracy per kind of mess."""
    model, _ = evaluate_model(classifier, hard)
    return {
        "size": len(hard),
        "model": model,
        "baseline": evaluate_baseline(baseline, hard),
        "model_by_perturbation": by_perturbation(classifier, hard),
    }


def plot_confusion(truth: list[str], predicted: list[str], path: Path) -> None:
    labels = [label for label in all_labels() if label in set(truth) | set(predicted)]
    matrix = confusion_matrix(truth, predicted, labels=labels)
    figure, axes = plt.subplots(figsize=(14, 12))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("actual")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def main() -> None:
    params = settings.stage_params("evaluate")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split-dir", type=Path, default=settings.SPLIT_DIR)
    parser.add_argument("--model-dir", type=Path, default=settings.MODEL_DIR)
    parser.add_argument("--metrics", type=Path, default=settings.METRICS_JSON)
    parser.add_argument("--plots-dir", type=Path, default=settings.PLOTS_DIR)
    parser.add_argument("--hard", type=Path,
                        default=settings.ROOT / settings.stage_params("hard_split")["output"])
    args = parser.parse_args()
    setup_logging()

    train = read_labelled(args.split_dir / "train.parquet")
    test = read_labelled(args.split_dir / "test.parquet")
    classifier = TopicClassifier.load(args.model_dir)
    model, predicted = evaluate_model(classifier, test)
    log.info("model on %d test messages: accuracy %.3f, macro-F1 %.3f", len(test),
             model["accuracy"], model["macro_f1"])

    operator = against_operator_labels(test, predicted)
    log.info("model against the operators' labels: accuracy %.3f over %d", operator["accuracy"],
             operator["size"])

    trained_baseline = train_baseline(train, params)
    baseline = evaluate_baseline(trained_baseline, test)
    log.info("baseline: accuracy %.3f, macro-F1 %.3f", baseline["accuracy"], baseline["macro_f1"])

    hard = evaluate_hard(classifier, trained_baseline, pd.read_parquet(args.hard))
    log.info("hard split of %d: model accuracy %.3f, baseline %.3f", hard["size"],
             hard["model"]["accuracy"], hard["baseline"]["accuracy"])

    metrics = {
        "model": model,
        "baseline": baseline,
        "model_minus_baseline_accuracy": round(model["accuracy"] - baseline["accuracy"], 4),
        "model_against_operator_labels": operator,
        "thresholds": classifier.thresholds.__dict__,
        "most_confused": most_confused(test["topic"].tolist(), predicted),
        "hard": hard,
        "hard_model_minus_baseline_accuracy": round(
            hard["model"]["accuracy"] - hard["baseline"]["accuracy"], 4),
    }
    args.metrics.parent.mkdir(parents=True, exist_ok=True)
    args.metrics.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")

    args.plots_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"actual": test["topic"], "predicted": predicted}).to_csv(
        args.plots_dir / "confusion.csv", index=False
    )
    plot_confusion(test["topic"].tolist(), predicted, args.plots_dir / "confusion.png")
    log.info("wrote %s and plots to %s", args.metrics, args.plots_dir)


if __name__ == "__main__":
    main()
