"""Text normalisation: markup, case, ё, repeats, glued units, wrong layout and translit."""

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from razdel import tokenize

RESOURCES = Path(__file__).parent / "resources"

TAG_PATTERN = re.compile(r"<[^>]{0,200}>")
SPACE_PATTERN = re.compile(r"\s+")
# Three or more of one letter are a shout or a stuck key («спасибооо»); two are real Russian.
REPEAT_PATTERN = re.compile(r"([^\W\d_])\1{2,}")
# «ООО» (a limited company) is the one Russian word made of a tripled letter.
KEEP_REPEATS = re.compile(r"(?<![^\W\d_])ооо(?![^\W\d_])")
# «15квт», «380в», «0,4кв»: a number glued to its unit becomes two tokens.
GLUED_UNIT_PATTERN = re.compile(r"(\d)([^\W\d_])")
LATIN_WORD_PATTERN = re.compile(r"[a-z\[\];',.`]+")
WORD_PATTERN = re.compile(r"[^\W_]", re.UNICODE)
MIN_KNOWN_SHARE = 0.3
PLACEHOLDER_PATTERN = re.compile(r"<(PHONE|EMAIL|PER|ADDRESS|DOC|CARD|NUMBER|CODE)>")


def _read_pairs(name: str) -> list[tuple[str, str]]:
    lines = (RESOURCES / name).read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [(source, target) for source, target in pairs]


LAYOUT = dict(_read_pairs("layout.tsv"))
# Endings read differently at the end of a word: «novyy», «kakoy», «sinii».
WORD_ENDINGS = {"iy": "ий", "yy": "ый", "oy": "ой", "ey": "ей", "ay": "ай"}
WORD_END_PATTERN = re.compile(r"(?:iy|yy|oy|ey|ay)\b")
TRANSLIT = sorted(_read_pairs("translit.tsv"), key=lambda pair: -len(pair[0]))


def strip_markup(text: str) -> str:
    """Unescape HTML entities, drop tags and control characters, squeeze whitespace."""
    text = html.unescape(html.unescape(text))
    text = TAG_PATTERN.sub(" ", text)
    # isprintable() is False for every control, format or unassigned character, so a
    # printable text (most messages) skips the slow walk over its characters.
    if not text.isprintable():
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return SPACE_PATTERN.sub(" ", text).strip()


def swap_layout(text: str) -> str:
    """Retype Latin keys as the Russian letters on the same keys."""
    return "".join(LAYOUT.get(ch, ch) for ch in text)


def transliterate(text: str) -> str:
    """Read Latin transliteration («skolko stoit») as Cyrillic."""
    text = WORD_END_PATTERN.sub(lambda match: WORD_ENDINGS[match.group()], text)
    result, position = [], 0
    while position < len(text):
        for source, target in TRANSLIT:
            if text.startswith(source, position):
                result.append(target)
                position += len(source)
                break
        else:
            result.append(text[position])
            position += 1
    return "".join(result)


@lru_cache(maxsize=1)
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=100_000)
def is_russian_word(word: str) -> bool:
    return len(word) > 1 and bool(morph().word_is_known(word))


@lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """Dictionary form of a Russian word; other tokens come back unchanged."""
    if not re.search("[а-яё]", word):
        return word
    return morph().parse(word)[0].normal_form.replace("ё", "е")


def _known_share(text: str) -> float:
    words = [token.text for token in tokenize(text) if WORD_PATTERN.search(token.text)]
    if not words:
        return 0.0
    return sum(is_russian_word(word) for word in words) / len(words)


def latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum("a" <= ch.lower() <= "z" for ch in letters) / len(letters)


CONSONANTS = set("бвгджзклмнпрстфхцчшщ")
# Latin spelling often writes a soft vowel as a hard one: «podkluchenie», «plata».
SOFTENED = {"у": "ю", "а": "я"}


def translit_repairs(word: str):
    """Words one edit away that Latin spelling commonly loses, latest position first."""
    for position in range(len(word), 0, -1):
        if word[position - 1] in CONSONANTS:
            yield f"{word[:position]}ь{word[position:]}"
    for position in range(len(word) - 1, 0, -1):
        if word[position] in SOFTENED and word[position - 1] in CONSONANTS:
            yield f"{word[:position]}{SOFTENED[word[position]]}{word[position + 1:]}"


@lru_cache(maxsize=100_000)
def repair_translit_word(word: str) -> str:
    """«tolko» reads as «толко»: the first known word one such edit away, if any."""
    if is_russian_word(word) or len(word) < 3:
        return word
    return next((fix for fix in translit_repairs(word) if is_russian_word(fix)), word)


def read_translit(text: str) -> str:
    """Latin words as Cyrillic, with what Latin spelling leaves out put back."""
    cyrillic = re.sub(r"[a-z']+", lambda match: transliterate(match.group()), text)
    return re.sub(r"[а-яё]+", lambda match: repair_translit_word(match.group()), cyrillic)


def fix_latin(text: str) -> str:
    """Repair a message typed on the wrong layout or in translit; keep real Latin text."""
    lowered = text.lower()
    if latin_share(lowered) < 0.5:
        return text
    candidates = [
        LATIN_WORD_PATTERN.sub(lambda match: swap_layout(match.group()), lowered),
        read_translit(lowered),
    ]
    scored = [(_known_share(candidate), candidate) for candidate in candidates]
    best_share, best = max(scored)
    # Translit spelling varies («podkluchenie»), so a third of known words is enough;
    # below that it is more likely English, a code or a name.
    return best if best_share >= MIN_KNOWN_SHARE else text


def squeeze_repeats(text: str) -> str:
    """«спасибооо» → «спасибо», «ооочень» → «очень»; «ооо» as a word stays."""
    kept = {match.start() for match in KEEP_REPEATS.finditer(text)}
    return REPEAT_PATTERN.sub(
        lambda match: match.group() if match.start() in kept else match.group(1), text
    )


# One reply reads its message several times over (the classifier, the flows' slots and
# places), each normalising and tokenising it again: the latest results are kept. Few,
# so that they serve one reply, not stand in for work on other clients' messages.
RECENT_TEXTS = 8


@lru_cache(maxsize=RECENT_TEXTS)
def normalize(text: str) -> str:
    """Lowercase text ready for tokens: layout fixed, ё→е, repeats and units split."""
    text = strip_markup(text)
    text = PLACEHOLDER_PATTERN.sub(" ", text)
    # Repeats go first: «spasibooo» is only recognised as translit once squeezed.
    text = squeeze_repeats(text.lower())
    text = fix_latin(text).replace("ё", "е")
    text = GLUED_UNIT_PATTERN.sub(r"\1 \2", text)
    return SPACE_PATTERN.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Word and number tokens of normalised text, punctuation dropped."""
    return list(_word_tuple(text))


@lru_cache(maxsize=RECENT_TEXTS)
def _word_tuple(text: str) -> tuple[str, ...]:
    return tuple(token.text for token in tokenize(text) if WORD_PATTERN.search(token.text))


def lemmas(text: str) -> list[str]:
    return [lemma(word) for word in words(text)]
