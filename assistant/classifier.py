"""The topic classifier: CatBoost over lemmas and Navec vectors, ranked labels out."""

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import settings
from .errors import ModelMissingError
from .features import EMBEDDING_FEATURES, FEATURES, TEXT_FEATURES, feature_rows
from .labels import find_label, load_topics
from .text import normalize, words
from .topic_model import ServiceAspectModel

log = logging.getLogger(__name__)

# Services that say nothing about which connection or service product a message is about.
NO_SERVICE = frozenset({"smalltalk", "handoff", "none"})
# A follow-up («а сколько стоит?») names no service of its own: below this share of
# probability on one service the service of the earlier turns is taken instead. Generic
# words («заявка», «подключение») lean towards first-time connection, hence a high bar.
OWN_SERVICE_SHARE = 0.75
# «а сколько рассматривают заявку?»: follow-ups are short; a longer message states its case.
FOLLOW_UP_WORDS = 5
META_FILE = "meta.json"
# A message read twice in one turn (a clarification reads it with the open question too)
# still finds the one the next turn asks for.
KEPT_ALONE_ROWS = 2
TOP_SIZE = 3


def remember(read_alone: dict[str, np.ndarray], text: str, row: np.ndarray) -> None:
    """Keep the row of a message read alone; only the latest few are ever asked for."""
    read_alone.pop(text, None)
    read_alone[text] = row
    while len(read_alone) > KEPT_ALONE_ROWS:
        del read_alone[next(iter(read_alone))]


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]]


@dataclass(frozen=True)
class Thresholds:
    """Confidence cut-offs chosen on the validation split and stored with the model."""

    answer: float
    clarify: float


def make_row_pool(rows: list[list]):
    """A pool of a few rows without pandas, whose frame costs more than the prediction."""
    from catboost import Pool

    return Pool(
        rows,
        text_features=[FEATURES.index(name) for name in TEXT_FEATURES],
        embedding_features=[FEATURES.index(name) for name in EMBEDDING_FEATURES],
        # One thread, as for the prediction: under load a helper thread waits for a core.
        thread_count=1,
    )


class TopicClassifier:
    """Loads once, then ranks labels for a message and its session context."""

    def __init__(self, model, meta: dict):
        self.model = model
        model.temperature = meta.get("temperature", 1.0)
        self.labels: list[str] = [str(label) for label in model.classes_]
        self.context_turns: int = meta["context_turns"]
        self.thresholds = Thresholds(**meta["thresholds"])
        self.version: str = meta.get("version", "")
        self.topics = load_topics()
        # CatBoost prints debug lines to stdout when pools are built in several threads at
        # once; one prediction of a few rows takes about a millisecond, so they take turns.
        self._predict_lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path = settings.MODEL_DIR) -> "TopicClassifier":
        """Read the model and its metadata; a clear error names the build command."""
        meta_path = model_dir / META_FILE
        files = ServiceAspectModel.files(model_dir) + [meta_path]
        if not all(path.exists() for path in files):
            raise ModelMissingError(model_dir)
        try:
            model = ServiceAspectModel.load(model_dir)
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except Exception as error:
            log.error("cannot read model in %s: %s", model_dir, error)
            raise ModelMissingError(model_dir) from error
        return cls(model, meta)

    def probabilities(self, texts: list[str], contexts: list[list[str]]) -> np.ndarray:
        """Class probabilities, one row per message, columns in self.labels order."""
        rows = feature_rows(texts, contexts, self.context_turns)
        with self._predict_lock:
            # One thread: spreading a few rows over a thread pool costs more than it saves.
            return self.model.predict_proba(make_row_pool(rows), thread_count=1)

    def rank(self, row: np.ndarray) -> Prediction:
        order = np.argsort(row)[::-1][:TOP_SIZE]
        top = [(self.labels[i], float(row[i])) for i in order]
        return Prediction(label=top[0][0], confidence=top[0][1], top=top)

    def predict(self, text: str, context: list[str] | None = None,
                service: str | None = None,
                read_alone: dict[str, np.ndarray] | None = None) -> Prediction:
        """Ranked labels for one message; a follow-up takes the service of its session.

        read_alone holds rows of messages read without context, by text, and gets this
        message's: a session passes its own, so the turn before is not read again."""
        read_alone = {} if read_alone is None else read_alone
        if not context:
            alone = self.probabilities([text], [[]])[0]
            remember(read_alone, text, alone)
            return self.rank(alone)

        # One call for up to three rows: with context, the message alone, and the latest
        # earlier turn alone unless its own turn read it already.
        earlier = read_alone.get(context[-1])
        texts, contexts = [text, text], [context, []]
        if earlier is None:
            texts.append(context[-1])
            contexts.append([])
        rows = self.probabilities(texts, contexts)
        full, alone = rows[0], rows[1]
        earlier = rows[2] if earlier is None else earlier
        remember(read_alone, text, alone)
        prediction = self.rank(full)
        if self._names_own_service(text, alone):
            # Context may only add certainty to a message that says what it is about.
            return max(prediction, self.rank(alone), key=lambda p: p.confidence)
        service = service or self._context_service(earlier)
        return self._follow_up(prediction, alone, service) if service else prediction

    def _names_own_service(self, text: str, alone: np.ndarray) -> bool:
        """Long messages and ones sure of their service are not follow-ups."""
        if len(words(normalize(text))) > FOLLOW_UP_WORDS:
            return True
        return self._mass(alone, "service")[0] >= OWN_SERVICE_SHARE

    def _mass(self, row: np.ndarray, field: str) -> tuple[float, str]:
        """The largest probability summed over labels sharing a service (or an aspect)."""
        totals: dict[str, float] = {}
        for label, probability in zip(self.labels, row):
            key = getattr(self.topics[label], field)
            totals[key] = totals.get(key, 0.0) + float(probability)
        best = max(totals, key=totals.get)
        return totals[best], best

    def _context_service(self, earlier: np.ndarray) -> str | None:
        _, service = self._mass(earlier, "service")
        return None if service in NO_SERVICE else service

    def _follow_up(self, prediction: Prediction, alone: np.ndarray, service: str) -> Prediction:
        confidence, aspect = self._mass(alone, "aspect")
        label = find_label(service, aspect)
        if label is None:
            return prediction
        if label == prediction.label:
            # The context already chose it, often unsure between services: the aspect of the
            # message and the service of the session make it as sure as the aspect is.
            confidence = max(confidence, prediction.confidence)
        log.debug("follow-up resolved to %s by the session's service", label)
        # The other labels share what the resolved one leaves, in their original proportions.
        others = [(other, p) for other, p in prediction.top if other != label]
        scale = (1 - confidence) / max(sum(p for _, p in others), 1.0)
        rest = [(other, p * scale) for other, p in others][:TOP_SIZE - 1]
        return Prediction(label, confidence, [(label, confidence)] + rest)

    def predict_many(self, texts: list[str], contexts: list[list[str]]) -> list[Prediction]:
        """Predictions one by one, so that follow-ups are resolved as in a dialog."""
        return [self.predict(text, context) for text, context in zip(texts, contexts)]
