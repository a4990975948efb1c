"""Loading everything a reply needs, once per process."""

from pathlib import Path

from . import settings
from .classifier import TopicClassifier
from .dialog import Clock, DialogManager, moscow_now
from .store import KnowledgeStore


def load_dialog_manager(model_dir: Path = settings.MODEL_DIR,
                        store_path: Path = settings.KB_DB,
                        clock: Clock = moscow_now) -> DialogManager:
    """The model and the knowledge store behind one dialog manager."""
    store = KnowledgeStore(store_path)
    classifier = TopicClassifier.load(model_dir)
    return DialogManager(classifier, store, clock=clock)
