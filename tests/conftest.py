"""Heavy resources loaded once per test session; `make test` builds them first."""

import pytest

from assistant.service import load_dialog_manager
from assistant.settings import BOOKINGS_URL_ENV


@pytest.fixture(scope="session")
def dialog_manager():
    """The model and the knowledge store behind replies, loaded as the app does."""
    manager = load_dialog_manager()
    yield manager
    manager.store.close()


@pytest.fixture(scope="session")
def classifier(dialog_manager):
    # The manager's own classifier: loading a second copy would only cost time.
    return dialog_manager.classifier


@pytest.fixture(scope="session")
def knowledge_store(dialog_manager):
    # Named apart from test_store.py's `store`, which is built from data/kb in tmp.
    return dialog_manager.store


@pytest.fixture(scope="session")
def opening_text(dialog_manager):
    """What a topic says first to a message: its action's first step, or its answer.

    A chosen clarification starts the topic with the client's own words, so a topic
    with an action (cost, deadlines) opens with its question, not the stored answer; the
    flow sees those words and the pressed button's title among the session's messages."""
    from assistant.actions import Flow

    def first_reply(label: str, text: str) -> str:
        action = dialog_manager.actions.get(label)
        if action is None:
            return dialog_manager.store.answer(label).text
        chosen = (text, dialog_manager.topics[label].title)
        return action.start(Flow(action=action.name, label=label, context=chosen), text).text

    return first_reply


@pytest.fixture
def bookings_url(tmp_path, monkeypatch):
    """A bookings database of the test's own, which the booking flow then writes."""
    url = f"sqlite:///{tmp_path / 'bookings.sqlite'}"
    monkeypatch.setenv(BOOKINGS_URL_ENV, url)
    return url
