"""Loading everything a reply needs, once per process."""

from pathlib import Path

from . import mask, settings
from .classifier import TopicClassifier
from .dialog import Clock, DialogManager, moscow_now
from .store import KnowledgeStore

WARM_UP_MESSAGE = "Сколько стоит подключение?"


def load_dialog_manager(model_dir: Path = settings.MODEL_DIR,
                        store_path: Path = settings.KB_DB,
                        clock: Clock = moscow_now) -> DialogManager:
    """The model and the knowledge store behind one dialog manager."""
    store = KnowledgeStore(store_path)
    classifier = TopicClassifier.load(model_dir)
    return DialogManager(classifier, store, clock=clock)


def warm_up(manager: DialogManager) -> None:
    """Load now what the first replies would load on the way: pymorphy3, the name
    dictionaries, Slovnet and the Navec vectors, so no client waits for them."""
    mask.warm_up()
    manager.classifier.predict(WARM_UP_MESSAGE)
