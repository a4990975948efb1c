"""The topic model: what a message is about and what the client wants to know of it.

Every topic label crosses a service (temporary connection, metering, offices…) with an
aspect (how to apply, cost, review time…). Two CatBoost models learn them apart: each
sees several labels' worth of examples per class, which the 44-way model never gets
from a few thousand messages. A label's probability is the product of its service's
and its aspect's, renormalised over the labels the taxonomy has.
"""

from pathlib import Path

import numpy as np

from .calibration import scale
from .labels import load_topics

SERVICE_FILE = "service.cbm"
ASPECT_FILE = "aspect.cbm"


def service_of(label: str) -> str:
    return load_topics()[label].service


def aspect_of(label: str) -> str:
    return load_topics()[label].aspect


class ServiceAspectModel:
    """Two fitted CatBoost classifiers that answer like one over topic labels."""

    def __init__(self, service_model, aspect_model) -> None:
        self.service_model = service_model
        self.aspect_model = aspect_model
        services = {str(name): i for i, name in enumerate(service_model.classes_)}
        aspects = {str(name): i for i, name in enumerate(aspect_model.classes_)}
        # Only pairs the taxonomy has: «offices» × «cost» is no topic.
        labels = [topic.label for topic in load_topics().values()
                  if topic.service in services and topic.aspect in aspects]
        self.classes_ = np.array(labels)
        self._service_column = np.array([services[service_of(label)] for label in labels])
        self._aspect_column = np.array([aspects[aspect_of(label)] for label in labels])
        # Fitted on validation by the train stage and kept in meta.json.
        self.temperature = 1.0

    @property
    def tree_count_(self) -> int:
        return self.service_model.tree_count_ + self.aspect_model.tree_count_

    def predict_proba(self, pool, thread_count: int = -1) -> np.ndarray:
        """Label probabilities, one row per object, columns in classes_ order."""
        service = self.service_model.predict_proba(pool, thread_count=thread_count)
        aspect = self.aspect_model.predict_proba(pool, thread_count=thread_count)
        joint = service[:, self._service_column] * aspect[:, self._aspect_column]
        return scale(joint, self.temperature)

    def save(self, model_dir: Path) -> None:
        model_dir.mkdir(parents=True, exist_ok=True)
        self.service_model.save_model(str(model_dir / SERVICE_FILE))
        self.aspect_model.save_model(str(model_dir / ASPECT_FILE))

    @classmethod
    def load(cls, model_dir: Path) -> "ServiceAspectModel":
        from catboost import CatBoostClassifier

        service, aspect = CatBoostClassifier(), CatBoostClassifier()
        service.load_model(str(model_dir / SERVICE_FILE))
        aspect.load_model(str(model_dir / ASPECT_FILE))
        return cls(service, aspect)

    @staticmethod
    def files(model_dir: Path) -> list[Path]:
        return [model_dir / SERVICE_FILE, model_dir / ASPECT_FILE]
