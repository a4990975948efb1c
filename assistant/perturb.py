"""Messy variants of clean client messages, for the hard evaluation split.

Each kind imitates one habit seen in real chats: the wrong keyboard layout, Latin
transliteration, typos, letters held down, numbers glued to units, a greeting or a
polite tail around the question, no capitals or punctuation. A seeded random
generator picks the kind and the places, so the split is the same on every build.
"""

import random
import re
from collections.abc import Callable
from pathlib import Path

from .text import LAYOUT

# Not in resources/: those files feed the model, and this one must not retrain it.
LATIN_SPELLING = Path(__file__).with_name("perturb_resources") / "latin.tsv"


def read_spelling(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return {russian: latin for russian, latin in pairs}


RUSSIAN_TO_KEY = {russian: latin for latin, russian in LAYOUT.items()}
RUSSIAN_TO_LATIN = read_spelling(LATIN_SPELLING)
GREETINGS = ["Здравствуйте!", "Добрый день.", "привет", "Доброе утро, подскажите,"]
TAILS = [
    "Заранее спасибо за ответ, хорошего вам дня.",
    "Очень жду ответа, вопрос срочный, второй день не могу разобраться сам.",
    "Спасибо!",
]
UNIT_GAP = re.compile(r"(\d)\s+(?=[^\W\d_])")
PUNCTUATION = re.compile(r"[^\w\s]")
# About every third longer word gets one typo; short words are left alone.
TYPO_WORD_SHARE = 1 / 3
MIN_TYPO_WORD = 4


def wrong_layout(text: str, _rng: random.Random) -> str:
    """Typed with the Latin layout on: «сколько» → «crjkmrj»."""
    return "".join(RUSSIAN_TO_KEY.get(ch, RUSSIAN_TO_KEY.get(ch.lower(), ch)) for ch in text)


def latin(text: str, _rng: random.Random) -> str:
    """Transliterated by ear: «сколько стоит» → «skolko stoit»."""
    return "".join(RUSSIAN_TO_LATIN.get(ch.lower(), ch) for ch in text)


def typos(text: str, rng: random.Random) -> str:
    """Dropped, doubled and swapped letters inside longer words."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if len(word) >= MIN_TYPO_WORD and rng.random() < TYPO_WORD_SHARE:
            words[index] = one_typo(word, rng)
    return " ".join(words)


def one_typo(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap"])
    if kind == "drop":
        return word[:position] + word[position + 1:]
    if kind == "double":
        return word[:position] + word[position] + word[position:]
    return word[:position - 1] + word[position] + word[position - 1] + word[position + 1:]


def held_letters(text: str, rng: random.Random) -> str:
    """A vowel held down in the last word: «срочно» → «срочнооо»."""
    vowels = [i for i, ch in enumerate(text) if ch.lower() in "аеиоуыэюя"]
    if not vowels:
        return text
    position = vowels[-1]
    return text[:position] + text[position] * rng.randint(3, 5) + text[position + 1:]


def glued_units(text: str, _rng: random.Random) -> str:
    """«15 кВт» → «15квт», «380 В» → «380в», and no capitals."""
    return UNIT_GAP.sub(r"\1", text).lower()


def greeting_and_tail(text: str, rng: random.Random) -> str:
    """The question inside a greeting and a long polite tail."""
    return f"{rng.choice(GREETINGS)} {text} {rng.choice(TAILS)}"


def bare(text: str, _rng: random.Random) -> str:
    """No capitals, no punctuation, ё written as е."""
    return PUNCTUATION.sub(" ", text).lower().replace("ё", "е").strip()


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "wrong_layout": wrong_layout,
    "latin": latin,
    "typos": typos,
    "held_letters": held_letters,
    "glued_units": glued_units,
    "greeting_and_tail": greeting_and_tail,
    "bare": bare,
}


def perturb(text: str, rng: random.Random) -> tuple[str, str]:
    """One messy variant of the text and the name of its kind."""
    kind = rng.choice(sorted(KINDS))
    return KINDS[kind](text, rng), kind
