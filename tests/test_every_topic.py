"""A scripted dialog for every topic: the client picks it, then answers what is asked.

The topic is entered by its button, as after a clarifying question, so the dialog does
not depend on how sure the model is about one wording; what follows is typed."""

import pytest

from assistant.dialog import ANSWERED, DialogManager
from assistant.labels import all_labels, load_topics

TOPICS = load_topics()
# The sample snapshots' «now», so that outages and slots lie ahead of the dialog.
CLIENT_TURNS = 3


@pytest.fixture(scope="module")
def manager(dialog_manager):
    from datetime import datetime

    from assistant.dialog import MOSCOW

    now = datetime(2026, 12, 3, 11, 0, tzinfo=MOSCOW)
    return DialogManager(dialog_manager.classifier, dialog_manager.store, clock=lambda: now)


@pytest.mark.parametrize("label", all_labels())
def test_a_topic_chosen_by_its_button_answers_or_asks_within_the_topic(manager, label):
    session = manager.new_session("lk")

    first = manager.choose(session, label)

    assert first.label == label
    assert first.outcome == ANSWERED
    assert first.text.strip()


@pytest.mark.parametrize("label", [label for label in all_labels()
                                   if TOPICS[label].group != "dialog"])
def test_a_topic_dialog_goes_on_with_the_offered_replies(manager, label):
    """Each offered quick reply is taken until the topic stops asking."""
    session = manager.new_session("utp")
    reply = manager.choose(session, label)

    for _ in range(CLIENT_TURNS):
        if not reply.suggestions:
            break
        reply = manager.reply(session, reply.suggestions[0])
        assert reply.text.strip()
        assert reply.outcome == ANSWERED

    assert reply.label == label


@pytest.mark.parametrize("label", [label for label in all_labels()
                                   if TOPICS[label].group != "dialog"])
def test_every_client_topic_rests_on_sourced_checked_facts(manager, label):
    answer = manager.store.answer(label)

    assert answer.sources
    assert answer.checked_on is not None
