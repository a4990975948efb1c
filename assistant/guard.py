"""Sorting out messages that cannot be classified: empty, emoji only, not Russian, huge."""

import re
from dataclasses import dataclass

import unicodedata

from .text import fix_latin, squeeze_repeats, strip_markup

MAX_MESSAGE_CHARS = 2000
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Letters Russian does not have: a Ukrainian or Belarusian message.
OTHER_CYRILLIC = re.compile(r"[іїєґў]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    text: str
    problem: str | None = None
    truncated: bool = False


def check_message(raw: str | None) -> Checked:
    """Clean text plus the reason it cannot be classified, if any."""
    # Squeezed before anything reads it: «Пррррривет» is a greeting, not a surname.
    text = squeeze_repeats(strip_markup(raw or ""))
    truncated = len(text) > MAX_MESSAGE_CHARS
    text = text[:MAX_MESSAGE_CHARS]
    if not text:
        return Checked(text, "empty_message")
    if not LETTER_OR_DIGIT.search(text):
        has_symbols = any(unicodedata.category(ch) == "So" for ch in text)
        return Checked(text, "emoji_only" if has_symbols else "empty_message")
    if OTHER_CYRILLIC.search(text) or _foreign_latin(text):
        return Checked(text, "not_russian", truncated)
    return Checked(text, None, truncated)


def _foreign_latin(text: str) -> bool:
    """Latin text that is neither the wrong layout nor transliterated Russian."""
    letters = LATIN.findall(text)
    if len(letters) <= len(CYRILLIC.findall(text)):
        return False
    return not CYRILLIC.search(fix_latin(text))
