"""Fitting the topic model: CatBoost settings, text processing and the two-part fit.

Shared by the train stage and the experiments notebook, which fits the same model on
other feature sets to see what each part is worth.
"""

import logging
from collections.abc import Sequence

import pandas as pd
from catboost import CatBoostClassifier, Pool

from .features import CHAR_FEATURE, EMBEDDING_FEATURES, FEATURES, TEXT_FEATURES
from .features import contexts_of, feature_frame
from .topic_model import ServiceAspectModel, aspect_of, service_of

log = logging.getLogger(__name__)


def features_of(frame: pd.DataFrame, context_turns: int) -> pd.DataFrame:
    return feature_frame(frame["text"].tolist(), contexts_of(frame), context_turns)


def pool_of(features: pd.DataFrame, labels=None,
            columns: Sequence[str] = FEATURES) -> Pool:
    """A CatBoost pool of some feature columns, with their text and embedding roles."""
    columns = list(columns)
    return Pool(
        features[columns],
        label=labels,
        text_features=[name for name in columns if name in TEXT_FEATURES] or None,
        embedding_features=[name for name in columns if name in EMBEDDING_FEATURES] or None,
    )


def text_processing(params: dict, columns: Sequence[str] = FEATURES) -> dict:
    """Per-class calcers over lemma words and bigrams, and over character 4-grams."""
    size, floor = str(params["dictionary_size"]), str(params["min_word_count"])
    calcers = params["text_calcers"]
    processing = {
        "default": [{"dictionaries_names": ["Word", "BiGram"], "feature_calcers": calcers,
                     "tokenizers_names": ["Space"]}],
    }
    if CHAR_FEATURE in columns:
        # Bigrams of 4-grams add little and double the dictionary.
        processing[str(list(columns).index(CHAR_FEATURE))] = [{
            "dictionaries_names": ["Word"], "feature_calcers": calcers,
            "tokenizers_names": ["Space"]}]
    return {
        "tokenizers": [{"tokenizer_id": "Space", "separator_type": "ByDelimiter",
                        "delimiter": " "}],
        "dictionaries": [
            {"dictionary_id": "Word", "max_dictionary_size": size,
             "occurrence_lower_bound": floor, "gram_order": "1"},
            {"dictionary_id": "BiGram", "max_dictionary_size": size,
             "occurrence_lower_bound": floor, "gram_order": "2"},
        ],
        "feature_processing": processing,
    }


def new_model(params: dict, columns: Sequence[str] = FEATURES) -> CatBoostClassifier:
    has_text = any(name in TEXT_FEATURES for name in columns)
    return CatBoostClassifier(
        loss_function="MultiClass",
        iterations=params["iterations"],
        learning_rate=params["learning_rate"],
        depth=params["depth"],
        border_count=params["border_count"],
        early_stopping_rounds=params["early_stopping_rounds"],
        random_seed=params["seed"],
        thread_count=-1,
        text_processing=text_processing(params, columns) if has_text else None,
        verbose=params["log_every"],
        allow_writing_files=False,
    )


def fit_one(train: pd.DataFrame, validation: pd.DataFrame, train_labels, validation_labels,
            params: dict, columns: Sequence[str] = FEATURES) -> CatBoostClassifier:
    """One CatBoost model, stopped early on the validation part."""
    model = new_model(params, columns)
    model.fit(pool_of(train, train_labels, columns),
              eval_set=pool_of(validation, validation_labels, columns), use_best_model=True)
    return model


def fit(train: pd.DataFrame, validation: pd.DataFrame, params: dict,
        columns: Sequence[str] = FEATURES) -> ServiceAspectModel:
    """The service model and the aspect model on the same features."""
    turns = params["context_turns"]
    train_features = features_of(train, turns)
    validation_features = features_of(validation, turns)
    models = []
    for part in (service_of, aspect_of):
        model = fit_one(train_features, validation_features, train["topic"].map(part).tolist(),
                        validation["topic"].map(part).tolist(), params, columns)
        log.info("%s model stopped at %d trees", part.__name__.removesuffix("_of"),
                 model.tree_count_)
        models.append(model)
    return ServiceAspectModel(*models)
