"""Plain-Python views of the store's tables, built once per load of the store.

A flow reads its rule rows, texts and vocabularies on every message; building them from
pandas each time cost more than the classifier, so each view is kept until the store
loads a rebuilt file.
"""

import threading
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from ..store import KnowledgeStore

_VIEWS: WeakKeyDictionary = WeakKeyDictionary()
_LOCK = threading.Lock()


def view(
    store: KnowledgeStore, name: str, build: Callable[[KnowledgeStore], Any]
) -> Any:
    """build(store) for this load of the store, computed on first use."""
    with _LOCK:
        generation, views = _VIEWS.get(store, (None, {}))
        if generation != store.generation:
            views = {}
            _VIEWS[store] = (store.generation, views)
        if name in views:
            return views[name]
    # Built outside the lock: two threads may both build it once, which is harmless.
    built = build(store)
    with _LOCK:
        views[name] = built
    return built


def records(name: str) -> Callable[[KnowledgeStore], list[dict]]:
    """A builder of one table's rows as dicts, nulls as None."""

    def build(store: KnowledgeStore) -> list[dict]:
        frame = store.table(name)
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    build.__name__ = f"records_{name}"
    return build


def rows(store: KnowledgeStore, name: str) -> list[dict]:
    """The rows of an action table, shared between calls: read, never change them."""
    return view(store, f"rows:{name}", records(name))
