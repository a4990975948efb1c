"""Sorting out messages that cannot be classified: empty, emoji only, not Russian, huge,
mostly markup; and whether a message is small talk at all."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .mask_patterns import read_rows
from .text import (
    RESOURCES,
    fix_latin,
    is_russian_word,
    lemmas,
    morph,
    normalize,
    squeeze_repeats,
    strip_markup,
    words,
)

MAX_MESSAGE_CHARS = 2000
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Letters Russian does not have: a Ukrainian or Belarusian message.
OTHER_CYRILLIC = re.compile(r"[іїєґў]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
LATIN_WORD = re.compile(r"[a-z']+", re.IGNORECASE)
DIGIT = re.compile(r"\d")
# Code is not the client's words: «<script>alert(1)</script>» says nothing.
CODE_BLOCK = re.compile(
    r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
TAG = re.compile(r"<[^>]{0,200}>")
# Markup that leaves less than this share of the message, and a word or two, hid the
# question (or there was none): «<b>hi</b><script>…</script>» is asked to be rephrased.
MIN_VISIBLE_SHARE = 0.25
MAX_HIDDEN_WORDS = 2
# Half of the Latin words common English ones: an English sentence, not translit.
MIN_ENGLISH_SHARE = 0.5
# Words of a greeting or a thanks beyond the courtesy words themselves («Мария»).
MAX_SMALL_TALK_OTHER_WORDS = 2
# Courtesy words that are no greeting or thanks by themselves: «а», «у», «вы», «да».
FILLER_PARTS_OF_SPEECH = frozenset({"CONJ", "PRCL", "PREP", "NPRO"})


@dataclass(frozen=True)
class Checked:
    text: str
    problem: str | None = None
    truncated: bool = False


def check_message(raw: str | None) -> Checked:
    """Clean text plus the reason it cannot be classified, if any."""
    raw = raw or ""
    # Squeezed before anything reads it: «Пррррривет» is a greeting, not a surname.
    text = squeeze_repeats(strip_markup(CODE_BLOCK.sub(" ", raw)))
    truncated = len(text) > MAX_MESSAGE_CHARS
    text = text[:MAX_MESSAGE_CHARS]
    if _mostly_markup(raw, text):
        return Checked(text, "markup_only")
    if not text:
        return Checked(text, "empty_message")
    if not LETTER_OR_DIGIT.search(text):
        has_symbols = any(unicodedata.category(ch) == "So" for ch in text)
        return Checked(text, "emoji_only" if has_symbols else "empty_message")
    if OTHER_CYRILLIC.search(text) or _foreign_latin(text):
        return Checked(text, "not_russian", truncated)
    return Checked(text, None, truncated)


def _mostly_markup(raw: str, text: str) -> bool:
    if not TAG.search(raw):
        return False
    few_words = len(text.split()) <= MAX_HIDDEN_WORDS
    return few_words and len(text) < MIN_VISIBLE_SHARE * len(raw.strip())


def _foreign_latin(text: str) -> bool:
    """Latin text that is neither the wrong layout nor transliterated Russian."""
    letters = LATIN.findall(text)
    if len(letters) <= len(CYRILLIC.findall(text)):
        return False
    # Checked first: English words often read as Russian ones («to», «it», «mast»).
    if is_english(text):
        return True
    return not CYRILLIC.search(fix_latin(text))


def is_english(text: str) -> bool:
    """Most Latin words of the text are common English words."""
    found = [word.lower() for word in LATIN_WORD.findall(text)]
    if not found:
        return False
    known = sum(word in english_words() for word in found)
    return known / len(found) >= MIN_ENGLISH_SHARE


def is_small_talk(text: str) -> bool:
    """No digits and hardly a word beyond greetings, thanks and polite words.

    «Спасибо, Мария» and «пасиб» are small talk; «а телефон?», a word beyond them joined
    by a particle or conjunction with no greeting or thanks, is a short follow-up question."""
    if DIGIT.search(text):
        return False
    found = lemmas(normalize(text))
    others = [word for word in found if word not in courtesy_words()]
    if not others:
        return True
    courteous = [word for word in found if word in courtesy_words()]
    if courteous and all(is_filler(word) for word in courteous):
        return False
    return len(others) <= MAX_SMALL_TALK_OTHER_WORDS


@lru_cache(maxsize=1_000)
def is_filler(word: str) -> bool:
    return morph().parse(word)[0].tag.POS in FILLER_PARTS_OF_SPEECH


def has_known_word(text: str) -> bool:
    """A courtesy word or any word of the Russian dictionary: not a string of made-up ones.

    «зюзюка кракозябра» is as short as a greeting and the model may take it for one; a
    welcome in reply would pretend the assistant understood."""
    normalized = normalize(text)
    if set(lemmas(normalized)) & (courtesy_words() | closing_words()):
        return True
    return any(is_russian_word(word) for word in words(normalized))


def is_closing(text: str) -> bool:
    """Thanks or a goodbye and nothing but polite words: «спасибо», «всё, до свидания»."""
    if DIGIT.search(text):
        return False
    words = set(lemmas(normalize(text)))
    return bool(words & closing_words()) and words <= courtesy_words() | closing_words()


def is_refusal(text: str) -> bool:
    """The client declines to go on: «отмена», «спасибо, не надо», «я передумал»."""
    if DIGIT.search(text):
        return False
    found = lemmas(normalize(text))
    phrases, fillers = refusal_words()
    # «Отмена, не надо» holds two phrases: every one found is taken out before the rest
    # is checked for words other than polite ones.
    rest, refused = found, False
    for phrase in phrases:
        while (shorter := without_phrase(rest, phrase)) is not None:
            rest, refused = shorter, True
    return refused and set(rest) <= courtesy_words() | closing_words() | fillers


def without_phrase(found: list[str], phrase: tuple[str, ...]) -> list[str] | None:
    """The lemmas with the phrase's run taken out, or None if the phrase is not there."""
    size = len(phrase)
    for start in range(len(found) - size + 1):
        if tuple(found[start : start + size]) == phrase:
            return found[:start] + found[start + size :]
    return None


@lru_cache(maxsize=1)
def refusal_words() -> tuple[tuple[tuple[str, ...], ...], frozenset[str]]:
    """Refusal phrases as lemma runs, and the filler words allowed around them."""
    rows = read_rows("refusal_phrases.tsv")
    phrases = tuple(tuple(run.split()) for run, kind in rows if kind == "refusal")
    fillers = frozenset(run for run, kind in rows if kind == "filler")
    return phrases, fillers


@lru_cache(maxsize=1)
def closing_words() -> frozenset[str]:
    return _read_words("closing_words.tsv")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    return _read_words("english_words.tsv")


@lru_cache(maxsize=1)
def courtesy_words() -> frozenset[str]:
    return _read_words("courtesy_words.tsv")


def _read_words(name: str) -> frozenset[str]:
    lines = (RESOURCES / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and line[0] != "#")
