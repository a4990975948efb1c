"""The messy variants of the hard split: seeded, each kind really messes the text up."""

import random

import pytest

from assistant.perturb import KINDS, perturb
from assistant.text import normalize

QUESTION = "Сколько стоит подключение 15 кВт к сети?"


def test_the_same_seed_gives_the_same_variants():
    first = [perturb(QUESTION, random.Random(7)) for _ in range(3)]
    second = [perturb(QUESTION, random.Random(7)) for _ in range(3)]

    assert first == second


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_changes_the_message(kind):
    variant = KINDS[kind](QUESTION, random.Random(1))

    assert variant != QUESTION


@pytest.mark.parametrize("kind", ["wrong_layout", "latin"])
def test_layout_and_latin_leave_no_cyrillic(kind):
    variant = KINDS[kind](QUESTION, random.Random(1))

    assert not any("а" <= ch.lower() <= "я" for ch in variant)


def test_the_wrong_layout_is_read_back_by_normalisation():
    variant = KINDS["wrong_layout"]("сколько стоит подключение", random.Random(1))

    assert normalize(variant) == "сколько стоит подключение"


@pytest.mark.parametrize("text", ["", "🙂", "15", "a", "ё"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_odd_texts_never_raise(kind, text):
    assert isinstance(KINDS[kind](text, random.Random(3)), str)
