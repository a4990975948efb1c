"""DVC stage train: CatBoost service and aspect models on lemmas and Navec vectors."""

import argparse
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from assistant import settings
from assistant.calibration import fit_temperature
from assistant.classifier import META_FILE, TopicClassifier
from assistant.chatlogs import read_analyst_labels, read_labelled
from assistant.features import contexts_of
from assistant.logs import setup_logging
from assistant.text import normalize, words
from assistant.thresholds import choose_answer_threshold, choose_clarify_threshold
from assistant.topic_model import ServiceAspectModel
from assistant.training import features_of, fit, pool_of

log = logging.getLogger("train")


def normalized_texts(frame: pd.DataFrame) -> pd.Series:
    """Texts compared by their words: case, punctuation and masks aside."""
    return frame["text"].map(lambda text: " ".join(words(normalize(text))))


def with_analyst_labels(train: pd.DataFrame, analyst: pd.DataFrame,
                        held_out: list[pd.DataFrame]) -> pd.DataFrame:
    """The training part plus analysts' labels; validation and test stay as split.

    A labelled text also found in validation or test is left out, or the evaluation
    would score the model on messages it was taught; a training message that an
    analyst labelled takes the analyst's newer label.
    """
    held_out_texts = set().union(*(normalized_texts(part) for part in held_out))
    analyst_keys = normalized_texts(analyst)
    seen = analyst_keys.isin(held_out_texts)
    if seen.any():
        log.warning("left out %d analysts' labels of texts in validation or test",
                    int(seen.sum()))
    analyst, analyst_keys = analyst[~seen], analyst_keys[~seen]

    relabelled = normalized_texts(train).isin(set(analyst_keys))
    if relabelled.any():
        log.info("%d training messages take an analyst's label instead", relabelled.sum())
    return pd.concat([train[~relabelled], analyst], ignore_index=True)








def calibrate(model: ServiceAspectModel, validation: pd.DataFrame, params: dict) -> float:
    """The temperature that makes validation confidence honest; set on the model too."""
    columns = {label: i for i, label in enumerate(model.classes_)}
    # A label the training part never saw has no column to be scored in.
    known = validation[validation["topic"].isin(columns)]
    pool = pool_of(features_of(known, params["context_turns"]))
    truth = known["topic"].map(columns).to_numpy()
    model.temperature = 1.0
    model.temperature = fit_temperature(model.predict_proba(pool), truth)
    return model.temperature


def choose_thresholds(classifier: TopicClassifier, validation: pd.DataFrame,
                      params: dict) -> dict:
    """Cut-offs from validation predictions, by the criteria documented in params.yaml."""
    predictions = classifier.predict_many(validation["text"].tolist(), contexts_of(validation))
    truth = validation["topic"].to_numpy()
    confidence = np.array([p.confidence for p in predictions])
    correct = np.array([p.label == label for p, label in zip(predictions, truth)])
    in_top_two = np.array([label in dict(p.top[:2]) for p, label in zip(predictions, truth)])

    answer = choose_answer_threshold(confidence, correct, params["answer_precision"])
    clarify = choose_clarify_threshold(confidence, in_top_two, answer,
                                       params["clarify_hit_rate"])
    return {"answer": answer, "clarify": clarify}


def main() -> None:
    params = settings.stage_params("train")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split-dir", type=Path, default=settings.SPLIT_DIR)
    parser.add_argument("--analyst-labels", type=Path, default=settings.ANALYST_LABELS_CSV)
    parser.add_argument("--output-dir", type=Path, default=settings.MODEL_DIR)
    args = parser.parse_args()
    setup_logging()

    validation = read_labelled(args.split_dir / "validation.parquet")
    test = read_labelled(args.split_dir / "test.parquet")
    analyst = read_analyst_labels(args.analyst_labels)
    train = with_analyst_labels(read_labelled(args.split_dir / "train.parquet"), analyst,
                                [validation, test])
    log.info("training on %d messages (%d labelled by analysts), early stopping on %d",
             len(train), len(analyst), len(validation))

    model = fit(train, validation, params)
    log.info("stopped at %d trees", model.tree_count_)

    temperature = calibrate(model, validation, params)
    log.info("temperature on validation: %.2f", temperature)

    meta = {"context_turns": params["context_turns"], "thresholds": {"answer": 1, "clarify": 1},
            "temperature": temperature, "params": params, "train_size": len(train),
            "trees": model.tree_count_}
    meta["thresholds"] = choose_thresholds(TopicClassifier(model, meta), validation, params)
    log.info("thresholds on validation: %s", meta["thresholds"])

    args.output_dir.mkdir(parents=True, exist_ok=True)
    model.save(args.output_dir)
    (args.output_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                            encoding="utf-8")
    log.info("saved model and metadata to %s", args.output_dir)


if __name__ == "__main__":
    main()
