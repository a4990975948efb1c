"""The label set: 39 client topics and 5 dialog labels, read from data/topics.csv."""

import csv
from dataclasses import dataclass
from functools import lru_cache

from .errors import UnknownLabelError
from .settings import TOPICS_CSV

DIALOG_GROUP = "dialog"
OUT_OF_SCOPE = "out_of_scope"
GREETING = "greeting"
THANKS = "thanks"
GOODBYE = "goodbye"
OPERATOR = "operator"


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    group: str
    service: str
    aspect: str
    title: str


@lru_cache(maxsize=1)
def load_topics() -> dict[str, Topic]:
    """All labels in file order, keyed by label."""
    with TOPICS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["label"]: Topic(
            code=row["code"],
            label=row["label"],
            group=row["group"],
            service=row["service"],
            aspect=row["aspect"],
            title=row["title_ru"],
        )
        for row in rows
    }


def all_labels() -> list[str]:
    return list(load_topics())


def client_topics() -> list[str]:
    """The 39 client topics, without the dialog labels."""
    return [label for label, topic in load_topics().items() if topic.group != DIALOG_GROUP]


def get_topic(label: str) -> Topic:
    topics = load_topics()
    if label not in topics:
        raise UnknownLabelError(label, topics)
    return topics[label]


def find_label(service: str, aspect: str) -> str | None:
    """The label of a service crossed with an aspect, if the taxonomy has one."""
    for topic in load_topics().values():
        if topic.service == service and topic.aspect == aspect:
            return topic.label
    return None
