"""Person names by dictionaries, in any case: «иванова ольга петровна», «ПЕТРОВ СЕРГЕЙ».

A word is a first name if pymorphy3 tags it Name and natasha's dictionary lists its
lemma, a surname if tagged Surn, a patronymic if Patr. A run of such words is a person
when it joins a first name to a surname or a patronymic, when a surname has initials,
or when one name follows a cue («зовут», «я», «мастер»). mask_ner.py adds Slovnet.
"""

import re
from functools import lru_cache
from typing import NamedTuple

from .mask_patterns import Span, read_rows

CYRILLIC_WORD = re.compile(r"[а-яё]", re.IGNORECASE)

FIRST, LAST, PATRONYMIC, AMBIGUOUS = "first", "last", "patronymic", "ambiguous"
GRAMMEMES = {"Name": FIRST, "Surn": LAST, "Patr": PATRONYMIC}
# «ли» has surname parses too: a word that is mostly a particle is never a name.
FUNCTION_WORDS = {"CONJ", "PRCL", "PREP", "NPRO", "INTJ", "PRED"}
# Share of pymorphy3's parses: «вера» is a first name in 0.30 of them, «слава» in 0.05.
MIN_SCORE = 0.3
WORD_PATTERN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# «И.И.», «И. И.», «И.»; in lower case only both («и.и.»): «д.» alone is a house.
INITIALS_PATTERN = re.compile(r"\s?[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?|\s?[а-яё]\.\s?[а-яё]\.")
INITIALS_BEFORE = re.compile(r"(?:[А-ЯЁ]\.\s?){1,2}$")
PUNCTUATION_GAP = re.compile(r"[\s,:.\-–]*")


class Word(NamedTuple):
    start: int
    end: int
    text: str
    roles: frozenset
    known: bool


@lru_cache(maxsize=1)
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def name_dictionaries() -> tuple[frozenset, frozenset, frozenset]:
    """First names, last names and first names that are also words, from natasha."""
    from natasha.data import FIRST as FIRST_PATH
    from natasha.data import LAST as LAST_PATH
    from natasha.data import MAYBE_FIRST, load_dict

    paths = (FIRST_PATH, LAST_PATH, MAYBE_FIRST)
    first, last, common = (frozenset(load_dict(path)) for path in paths)
    return first | common, last, common


@lru_cache(maxsize=1)
def context_words() -> dict[str, frozenset]:
    """Kind → words from mask_names.tsv: cue, strong_cue, blocker, place, not_person."""
    table: dict[str, set] = {}
    for kind, word in read_rows("mask_names.tsv"):
        table.setdefault(kind, set()).add(word)
    return {kind: frozenset(words) for kind, words in table.items()}


@lru_cache(maxsize=100_000)
def is_known(word: str) -> bool:
    return morph().word_is_known(word)


@lru_cache(maxsize=100_000)
def name_roles(word: str) -> frozenset:
    """What a lower-case word can be in a name: first, last, patronymic, ambiguous."""
    # Russian names are Cyrillic; pymorphy3 also fails on letters Unicode leaves unnamed.
    if not CYRILLIC_WORD.search(word):
        return frozenset()
    first_names, last_names, common_names = name_dictionaries()
    try:
        parses = morph().parse(word)
    except ValueError:
        return frozenset()
    if parses[0].tag.POS in FUNCTION_WORDS:
        return frozenset()
    scores = dict.fromkeys(GRAMMEMES.values(), 0.0)
    lemmas = set()
    for parse in parses:
        for grammeme, role in GRAMMEMES.items():
            listed = role != FIRST or parse.normal_form in first_names
            if grammeme in parse.tag and listed:
                scores[role] += parse.score
                lemmas.add(parse.normal_form)
    roles = {role for role, score in scores.items() if score >= MIN_SCORE}
    # Unknown to pymorphy3, a word is a surname only if natasha's dictionary says so.
    if not is_known(word):
        roles.discard(LAST)
        if len(word) > 3 and word in last_names:
            roles.add(LAST)
    if FIRST in roles and ({word} | lemmas) & common_names:
        roles.add(AMBIGUOUS)
    return frozenset(roles)


def read_words(text: str) -> list[Word]:
    """Words with their name roles; numbers and punctuation are left out."""
    words = []
    for match in WORD_PATTERN.finditer(text):
        word, lower = match.group(), match.group().lower()
        words.append(Word(*match.span(), word, name_roles(lower), is_known(lower)))
    return words


def previous_word(text: str, words: list[Word], index: int) -> str:
    """The word before words[index] with its dot, if only punctuation lies between."""
    if index == 0:
        return ""
    before = words[index - 1]
    gap = text[before.end : words[index].start]
    if not PUNCTUATION_GAP.fullmatch(gap):
        return ""
    return before.text.lower() + ("." if gap.startswith(".") else "")


def next_word(text: str, words: list[Word], index: int) -> str:
    """The word after words[index], if only a space lies between."""
    if index + 1 == len(words):
        return ""
    if not text[words[index].end : words[index + 1].start].isspace():
        return ""
    return words[index + 1].text.lower()


def in_place_name(text: str, words: list[Word], first: int, last: int) -> bool:
    """«улица Клары Цеткин», «Сергиев Посад»: names in place names are no person.

    A patronymic is a person's even after a blocker: «председатель СНТ Кузьмин Виктор
    Иванович».
    """
    context = context_words()
    inside = {word.text.lower() for word in words[first : last + 1]}
    after = next_word(text, words, last)
    before = previous_word(text, words, first)
    if any(PATRONYMIC in word.roles for word in words[first : last + 1]):
        return False
    return before in context["blocker"] or bool(({after} | inside) & context["place"])


def runs(text: str, words: list[Word]) -> list[list[int]]:
    """Indexes of adjacent name words, split by anything but spaces."""
    found, current = [], []
    for index, word in enumerate(words):
        joined = current and text[words[current[-1]].end : word.start].isspace()
        if word.roles and joined:
            current.append(index)
            continue
        if current:
            found.append(current)
        current = [index] if word.roles else []
    return found + [current] if current else found


def is_person(text: str, words: list[Word], run: list[int]) -> bool:
    """A first name with a surname or patronymic, or one name after a cue word."""
    roles = set().union(*(words[index].roles for index in run))
    before = previous_word(text, words, run[0])
    context = context_words()
    if in_place_name(text, words, run[0], run[-1]):
        return False
    if len(run) > 1 and (PATRONYMIC in roles or {FIRST, LAST} <= roles):
        return True
    if LAST in roles and has_initials(text, words[run[0]].start, words[run[-1]].end):
        return True
    if before in context["strong_cue"]:
        return True
    # «Елена, 8916…»: a capitalised first name that is no common word stands alone.
    alone = FIRST in roles and words[run[0]].text.istitle()
    return (alone or before in context["cue"]) and AMBIGUOUS not in roles


def has_initials(text: str, start: int, end: int) -> bool:
    return extend_by_initials(text, start, end) != (start, end)


def extend_by_initials(text: str, start: int, end: int) -> tuple[int, int]:
    """«Иванов И.И.», «И. И. Иванов»: the initials belong to the name."""
    after = INITIALS_PATTERN.match(text, end)
    before = INITIALS_BEFORE.search(text, 0, start)
    return (before.start() if before else start), (after.end() if after else end)


def dictionary_spans(text: str, words: list[Word]) -> list[Span]:
    """Runs of name words that make a person, with their initials."""
    spans = []
    for run in runs(text, words):
        if is_person(text, words, run):
            first, last = words[run[0]], words[run[-1]]
            spans.append(Span(*extend_by_initials(text, first.start, last.end), "PER"))
    return spans
