"""Experiments on the topic model: other feature sets and shapes on the same split.

Each variant is fitted on the training part, stopped early on validation and scored
on test by its top label alone (no follow-up resolution, no thresholds), so the
variants compare like with like; the product's own figures are in metrics.json.
"""

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .baseline import baseline_texts, make_baseline
from .features import EMBEDDING_FEATURES, FEATURES, contexts_of
from .labels import all_labels
from .metrics import quality
from .training import features_of, fit, fit_one, pool_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Variant:
    name: str
    columns: tuple[str, ...]
    # True: a service model times an aspect model; False: one 44-way model.
    factored: bool = True


VARIANTS = [
    Variant("Navec vectors only, one 44-way model", tuple(EMBEDDING_FEATURES), False),
    Variant("all features, one 44-way model", tuple(FEATURES), False),
    Variant("all features, service × aspect (served)", tuple(FEATURES)),
    Variant("no character 4-grams, service × aspect",
            tuple(name for name in FEATURES if name != "message_chars")),
    Variant("no Navec vectors, service × aspect",
            tuple(name for name in FEATURES if name not in EMBEDDING_FEATURES)),
]


def sample_sessions(frame: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """Whole sessions, so that follow-ups keep the turns they follow."""
    if share >= 1:
        return frame
    sessions = frame["session_id"].drop_duplicates()
    kept = sessions.sample(frac=share, random_state=seed)
    return frame[frame["session_id"].isin(kept)].reset_index(drop=True)


def run_variant(variant: Variant, train: pd.DataFrame, validation: pd.DataFrame,
                test: pd.DataFrame, params: dict) -> dict:
    """Accuracy, macro-F1, trees and fitting time of one variant."""
    started = time.perf_counter()
    turns = params["context_turns"]
    if variant.factored:
        model = fit(train, validation, params, variant.columns)
    else:
        model = fit_one(features_of(train, turns), features_of(validation, turns),
                        train["topic"].tolist(), validation["topic"].tolist(), params,
                        variant.columns)
    seconds = time.perf_counter() - started

    test_pool = pool_of(features_of(test, turns), columns=variant.columns)
    probabilities = model.predict_proba(test_pool)
    predicted = np.asarray(model.classes_)[probabilities.argmax(axis=1)]
    figures = quality(test["topic"].tolist(), [str(p) for p in predicted], all_labels())
    log.info("%s: accuracy %.3f in %.0f s", variant.name, figures["accuracy"], seconds)
    return {"variant": variant.name, "accuracy": figures["accuracy"],
            "macro_f1": figures["macro_f1"], "trees": int(model.tree_count_),
            "fit_seconds": round(seconds, 1)}


def run_baseline(train: pd.DataFrame, test: pd.DataFrame, params: dict) -> dict:
    started = time.perf_counter()
    baseline = make_baseline(params["baseline_max_features"], params["seed"])
    baseline.fit(baseline_texts(train["text"], contexts_of(train)), train["topic"].tolist())
    predicted = baseline.predict(baseline_texts(test["text"], contexts_of(test)))
    figures = quality(test["topic"].tolist(), list(predicted), all_labels())
    return {"variant": "TF-IDF + logistic regression (baseline)",
            "accuracy": figures["accuracy"], "macro_f1": figures["macro_f1"], "trees": 0,
            "fit_seconds": round(time.perf_counter() - started, 1)}


def compare(train: pd.DataFrame, validation: pd.DataFrame, test: pd.DataFrame,
            params: dict, variants: list[Variant] = VARIANTS) -> pd.DataFrame:
    """One row per variant and one for the baseline, best accuracy first."""
    rows = [run_variant(variant, train, validation, test, params) for variant in variants]
    rows.append(run_baseline(train, test, params))
    return pd.DataFrame(rows).sort_values("accuracy", ascending=False, ignore_index=True)
