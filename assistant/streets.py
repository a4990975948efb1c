"""Streets as the dispatch snapshot writes them, and the house numbers an outage covers.

«ул. Лесная, д. 28–44; ул. Вокзальная, д. 10–35» is two parts; «ул. Мира» covers the
whole street; «СНТ «Мечта»» is a garden partnership treated as a street of its village.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from .mask_patterns import read_rows
from .text import lemma, words

PART_SEPARATOR = ";"
HOUSES_MARK = re.compile(r",\s*д\.\s*")
HOUSE_RANGE = re.compile(r"(\d+)\s*[–\-—]\s*(\d+)")
HOUSE_NUMBER = re.compile(r"\d+")
DEFAULT_KIND = "street"


@lru_cache(maxsize=1)
def kind_words() -> dict[str, str]:
    """Lemma of a street-type word → the kind it names: «улица» → street."""
    return {word: kind for word, kind in read_rows("street_kinds.tsv")}


@lru_cache(maxsize=1)
def house_words() -> frozenset[str]:
    return frozenset(row[0] for row in read_rows("house_words.tsv"))


@dataclass(frozen=True)
class Street:
    """name: as shown to the client; key: lemmas of its name words; kind: street…"""

    name: str
    key: str
    kind: str


@dataclass(frozen=True)
class AddressPart:
    street: Street
    # Inclusive ranges of house numbers; empty when the whole street is covered.
    houses: tuple[tuple[int, int], ...] = ()
    # As the snapshot writes it, to show the client.
    written: str = ""

    def covers(self, house: int | None) -> bool:
        if house is None or not self.houses:
            return True
        return any(low <= house <= high for low, high in self.houses)


@lru_cache(maxsize=4096)
def parse_street(written: str) -> Street:
    """«ул. Садовый пер.» → Street('Садовый пер.', 'садовый', 'lane')."""
    tokens = [token.lower().replace("ё", "е") for token in words(written)]
    kinds = [kind_words()[token] for token in tokens if token in kind_words()]
    names = [lemma(token) for token in tokens if token not in kind_words()]
    # The last type word is the real one: «ул. Садовый пер.» is a lane.
    kind = kinds[-1] if kinds else DEFAULT_KIND
    shown = written if kind == DEFAULT_KIND else re.sub(r"^ул\.\s*", "", written.strip())
    return Street(name=shown.strip(), key=" ".join(names), kind=kind)


def parse_houses(written: str) -> tuple[tuple[int, int], ...]:
    """«28–44» → ((28, 44),); «27, 39, 68» → three single houses."""
    ranges = [(int(low), int(high)) for low, high in HOUSE_RANGE.findall(written)]
    rest = HOUSE_RANGE.sub(" ", written)
    singles = [(int(number), int(number)) for number in HOUSE_NUMBER.findall(rest)]
    return tuple(ranges + singles)


@lru_cache(maxsize=4096)
def parse_addresses(written: str) -> tuple[AddressPart, ...]:
    """Every street of one outage's addresses cell."""
    parts = [part.strip() for part in (written or "").split(PART_SEPARATOR)]
    return tuple(split_part(part) for part in parts if part)


def split_part(written: str) -> AddressPart:
    pieces = HOUSES_MARK.split(written, maxsplit=1)
    houses = pieces[1] if len(pieces) > 1 else ""
    return AddressPart(parse_street(pieces[0]), parse_houses(houses), written)
