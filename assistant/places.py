"""Where the client is: a settlement of the gazetteer, a street and a house number.

Words are compared as pymorphy3 lemmas and as typed, with rapidfuzz for typos, so
«в Подольске», «подольск» and «Падольск» are one town and «на Лесной улице»,
«ул. Лесная» and «улица лесная» one street.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from .mask_patterns import read_rows
from .streets import Street, house_words, kind_words, parse_street
from .text import lemma, normalize, words

# Typos allowed: «Вокзальня», «Падольск»; short names need a closer match.
MATCH_SCORE = 85
SHORT_NAME_SCORE = 92
SHORT_NAME = 5
# Too far to be taken for the street, close enough to be offered: «Ленена» → «ул. Ленина».
SIMILAR_STREET_SCORE = 75
MAX_NAME_WORDS = 3
HOUSE_TOKEN = re.compile(r"^(\d{1,4})[а-я]?$")


@dataclass(frozen=True)
class Token:
    text: str
    lemma: str


@dataclass(frozen=True)
class Name:
    """A name of the gazetteer with the forms a message is compared to."""

    name: str
    typed: str
    key: str
    size: int


@dataclass(frozen=True)
class Found:
    value: str | Street
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Address:
    settlement: str | None = None
    street: Street | None = None
    house: int | None = None


def tokens_of(text: str) -> list[Token]:
    typed = [word.replace("ё", "е") for word in words(normalize(text))]
    return [Token(word, lemma(word)) for word in typed]


@lru_cache(maxsize=64)
def names_of(values: tuple[str, ...]) -> tuple[Name, ...]:
    """Gazetteer names prepared once: «Сергиев Посад» → typed and lemma forms."""
    prepared = []
    for value in values:
        tokens = tokens_of(value)
        typed = " ".join(token.text for token in tokens)
        key = " ".join(token.lemma for token in tokens)
        prepared.append(Name(value, typed, key, len(tokens)))
    return tuple(prepared)


@dataclass(frozen=True)
class NameGroup:
    """Names of one length in words, as arrays rapidfuzz compares in one call."""

    size: int
    order: np.ndarray
    names: tuple[Name, ...]
    typed: tuple[str, ...]
    keys: tuple[str, ...]
    needed: np.ndarray


@lru_cache(maxsize=64)
def name_groups(names: tuple[Name, ...]) -> tuple[NameGroup, ...]:
    groups = []
    for size in sorted({name.size for name in names}):
        order = np.array([i for i, name in enumerate(names) if name.size == size])
        members = tuple(names[i] for i in order)
        needed = np.array([SHORT_NAME_SCORE if len(name.typed) <= SHORT_NAME
                           else MATCH_SCORE for name in members])
        groups.append(NameGroup(size, order, members, tuple(n.typed for n in members),
                                tuple(n.key for n in members), needed))
    return tuple(groups)


def best_name(tokens: list[Token], names: tuple[Name, ...],
              skip: set[int]) -> Found | None:
    """The best-matching gazetteer name over the message's word n-grams.

    A whole group of names is scored per call: the gazetteer has hundreds of names and a
    reply must not wait for a Python loop."""
    candidates = []
    for group in name_groups(names):
        for start in range(len(tokens) - group.size + 1):
            if skip.intersection(range(start, start + group.size)):
                continue
            scores = group_scores(tokens[start : start + group.size], group)
            best = int(np.argmax(scores))
            if scores[best]:
                # Ties go to the earlier name, then the earlier place in the message.
                candidates.append((-float(scores[best]), int(group.order[best]), start,
                                   group.names[best]))
    if not candidates:
        return None
    score, _, start, name = min(candidates, key=lambda found: found[:3])
    return Found(name.name, start, start + name.size, -score)


def group_scores(tokens: list[Token], group: NameGroup) -> np.ndarray:
    """How well the words match each name of the group: the better fuzz.ratio of the typed
    and the lemma forms, zero below the bar for the name's length."""
    typed = " ".join(token.text for token in tokens)
    lemmas = " ".join(token.lemma for token in tokens)
    scores = np.maximum(
        process.cdist([typed], group.typed, scorer=fuzz.ratio, dtype=np.float64)[0],
        process.cdist([lemmas], group.keys, scorer=fuzz.ratio, dtype=np.float64)[0],
    )
    return np.where(scores >= group.needed, scores, 0.0)


def find_settlement(text: str, settlements: tuple[str, ...]) -> str | None:
    """A settlement of the gazetteer named in the text, typos and case forms allowed."""
    found = best_name(tokens_of(text), names_of(tuple(settlements)), set())
    return found.value if found else None


def is_address_word(token: Token) -> bool:
    """A street-type or house word: «улица», «пер», «дом», «д»."""
    vocabulary = kind_words().keys() | house_words()
    return token.lemma in vocabulary or token.text in vocabulary


def is_name_word(token: Token) -> bool:
    return token.text.isalpha() and not is_address_word(token)


@lru_cache(maxsize=4096)
def street_name(street: Street) -> Name:
    """A street compared by its name words alone: «ул. Вокзальная» as «вокзальная»."""
    tokens = [token for token in tokens_of(street.name) if not is_address_word(token)]
    typed = " ".join(token.text for token in tokens)
    return Name(street.name, typed, street.key, len(tokens))


def named_street(tokens: list[Token], streets: tuple[Street, ...]) -> Found | None:
    """A street after or before its type word: «ул. Лесная», «на Лесной улице»."""
    for index, token in enumerate(tokens):
        if token.lemma not in kind_words() and token.text not in kind_words():
            continue
        kind = kind_words().get(token.lemma) or kind_words()[token.text]
        starts = [start for start in (index + 1, index - 1)
                  if 0 <= start < len(tokens) and is_name_word(tokens[start])]
        if starts:
            return street_at(tokens, starts, kind, streets)
    return None


def street_at(tokens: list[Token], starts: list[int], kind: str,
              streets: tuple[Street, ...]) -> Found:
    """The known street at one of these words, or the first word as a street we know
    nothing of (so the answer can say that nothing is planned there)."""
    same_kind = tuple(street for street in streets if street.kind == kind) or streets
    for start in starts:
        found = known_street(tokens, same_kind, set(), only_at=start)
        if found:
            return found
    start = starts[0]
    written = tokens[start].text.capitalize()
    return Found(Street(written, tokens[start].lemma, kind), start, start + 1, 100.0)


@lru_cache(maxsize=64)
def street_groups(streets: tuple[Street, ...]) -> tuple[tuple[NameGroup, np.ndarray], ...]:
    """The streets' names in groups, each with a half point that lets plain streets win
    ties with lanes and the like."""
    groups = name_groups(tuple(street_name(street) for street in streets))
    return tuple(
        (group, np.array([(streets[i].kind == "street") * 0.5 for i in group.order]))
        for group in groups
    )


def known_street(tokens: list[Token], streets: tuple[Street, ...], skip: set[int],
                 only_at: int | None = None) -> Found | None:
    """The best known street among the words, preferring plain streets to lanes.

    Scored as gazetteer names are; ties go to the earlier street, then the earlier place
    in the message."""
    candidates = []
    for group, bonus in street_groups(streets):
        size = group.size
        starts = [only_at] if only_at is not None else range(len(tokens) - size + 1)
        for start in starts:
            words_here = tokens[start : start + size]
            if skip.intersection(range(start, start + size)) or len(words_here) < size:
                continue
            if not all(is_name_word(token) for token in words_here):
                continue
            scores = group_scores(words_here, group) + bonus
            for index in np.flatnonzero(scores > 0.5):
                order = int(group.order[index])
                candidates.append((-float(scores[index]), order, start, streets[order], size))
    if not candidates:
        return None
    score, _, start, street, size = min(candidates, key=lambda found: found[:3])
    return Found(street, start, start + size, -score)


def house_after(tokens: list[Token], position: int) -> int | None:
    """«Лесная 30», «Лесная, д. 30», «Лесная дом 30а» → 30."""
    for token in tokens[position : position + 3]:
        match = HOUSE_TOKEN.match(token.text)
        if match:
            return int(match.group(1))
        if not is_address_word(token):
            return None
    return None


def find_address(text: str, settlements: tuple[str, ...],
                 streets: tuple[Street, ...]) -> Address:
    """Settlement, street and house named in the text; what is missing stays None."""
    tokens = tokens_of(text)
    street = named_street(tokens, streets)
    skip = set(range(street.start, street.end)) if street else set()
    # «Московская область» is no settlement «Московский»: the word before a region word
    # names the region.
    skip |= {index - 1 for index, token in enumerate(tokens)
             if index and token.lemma in region_nouns()}

    settlement = best_name(tokens, names_of(tuple(settlements)), skip)
    if settlement:
        skip |= set(range(settlement.start, settlement.end))
    if street is None:
        street = known_street(tokens, streets, skip)

    house = house_after(tokens, street.end) if street else None
    return Address(
        settlement=settlement.value if settlement else None,
        street=street.value if street else None,
        house=house,
    )


def similar_streets(street: Street, candidates: tuple[Street, ...],
                    limit: int = 2) -> list[Street]:
    """Streets of the same kind whose name is close to this one, closest first."""
    typed = street_name(street).typed or street.name.lower()
    scored = []
    for candidate in dict.fromkeys(candidates):
        name = street_name(candidate)
        if candidate.kind != street.kind or candidate.key == street.key:
            continue
        score = max(fuzz.ratio(typed, name.typed), fuzz.ratio(street.key, name.key))
        if score >= SIMILAR_STREET_SCORE:
            scored.append((-score, candidate.name, candidate))
    return [candidate for *_, candidate in sorted(scored)[:limit]]


def street_names(written: tuple[str, ...]) -> tuple[Street, ...]:
    """Distinct streets of the snapshot, for matching."""
    return tuple(dict.fromkeys(parse_street(name) for name in written))


@lru_cache(maxsize=1)
def region_words() -> frozenset[str]:
    return frozenset(row[0] for row in read_rows("region_words.tsv"))


@lru_cache(maxsize=1)
def region_nouns() -> frozenset[str]:
    """Region words that follow the region's name: «область», «район»."""
    return frozenset(row[0] for row in read_rows("region_words.tsv") if row[1:] == ["after"])


def named_place(text: str) -> str | None:
    """A settlement Slovnet reads as a location («в Москве» → «Москва»), or None.

    Streets («на улице Ленина») and regions («в Подмосковье») are not settlements."""
    # Imported here: Slovnet loads its weights on first use, as the masking does.
    from .mask_ner import tag

    for span in tag(text):
        if span.type != "LOC":
            continue
        before = tokens_of(text[: span.start])[-1:]
        tokens = tokens_of(text[span.start : span.stop])
        if tokens and not any(is_address_word(token) or token.lemma in region_words()
                              for token in before + tokens):
            return " ".join(capitalised(token.lemma) for token in tokens)
    return None


def capitalised(word: str) -> str:
    """«наро-фоминск» → «Наро-Фоминск»."""
    return "-".join(part.capitalize() for part in word.split("-"))
