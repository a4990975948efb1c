"""Personal addresses: a street or a village with a house number, a flat, a plot.

A street without a house number («нет света на улице Ленина») is no personal data.
"""

import re
from functools import lru_cache

from .mask_patterns import Span, alternatives, read_rows, units

WORD_END = r"(?:(?<=\.)|(?![^\W\d_]))"
# Street names: «Ленина», «8 Марта», «50 лет Октября», «Маршала Жукова».
STREET_NAME = (
    r"(?:\d{1,3}(?:-?[а-я]{1,2})?\s+)?[^\W\d_][\w\-]*\.?(?:\s+[^\W\d_][\w\-]*){0,2}"
)
# One word, or two when the second is capitalised: «по ул. Лесной в селе» stops at «в».
SHORT_NAME = r"[^\W\d_][\w\-]*(?:\s+(?-i:[А-ЯЁ])[\w\-]*)?"
# Villages and garden partnerships: «д. Петрово», «СНТ «Ромашка»».
PLACE_NAME = (
    r"(?:«[^»]{1,40}»|\"[^\"]{1,40}\""
    r"|(?-i:[А-ЯЁ])[\w\-]*(?:\s+(?-i:[А-ЯЁ])[\w\-]*)?)"
)


@lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """Kind → alternation of its words from mask_places.tsv, each a whole word."""
    table: dict[str, list[str]] = {}
    for kind, fragment in read_rows("mask_places.tsv"):
        table.setdefault(kind, []).append(fragment)
    # A marker ends where letters do: «ул.Лесная,д.4», «101к2», «кв12».
    return {kind: alternatives(words) + WORD_END for kind, words in table.items()}


def house_pattern() -> str:
    """«д. 5», «15а», «101к2», «15/2 корп. 1», «15-3», «д. 5, кв. 12»; not «5 дней»."""
    words = places()
    marker = rf"(?:(?:{words['house']}|{words['plot']})\s*№?\s*)?"
    number = r"\d{1,4}(?:[а-я](?![\dа-я]))?(?:/\d{1,4})?"
    building = rf"[,\s]*{words['building']}\s*\d+[а-я]?(?!\w)"
    flat = rf"[,\s]*{words['flat']}\s*№?\s*\d+[а-я]?(?!\w)|-\d{{1,4}}(?![\d\-])"
    # A bare number is followed by no unit («5 дней»), no more digits (a phone), no
    # colon (a cadastral number) and no dash with a number (houses 28–44 of an outage).
    bare = rf"(?![\w/:]|\s*{units()}(?!\w)|\s\d|\s*[–—]\s*\d)"
    return rf"{marker}{number}(?:{building}(?:{flat})?|{flat}|{bare})"


@lru_cache(maxsize=1)
def address_patterns() -> list[re.Pattern]:
    """Most complete forms first; each needs a house number to be personal."""
    words, house = places(), house_pattern()
    house_number = rf"{words['house']}\s*№?\s*\d{{1,4}}[а-я]?"
    forms = [
        # «ул. Ленина, д. 5, кв. 12», «улица Садовая 15-3»
        rf"(?<!\w){words['street']}\s*{STREET_NAME}[,\s]+{house}",
        # «Садовая ул., 15», «Можайское шоссе, 12-45»
        rf"(?<![\w\-])(?:\d{{1,3}}-?[а-я]{{0,2}}\s+)?[^\W\d_][\w\-]*\s+{words['street']}"
        rf"[,\s]+{house}",
        # «д. Петрово, д. 17», «СНТ «Ромашка», уч. 45»
        rf"(?<!\w){words['settlement']}\s*{PLACE_NAME}[,\s]+{house}",
        # «д. 5, кв. 12»
        rf"(?<!\w){house_number}(?:/\d+)?(?:[,\s]*{words['building']}\s*\d+)?"
        rf"[,\s]*{words['flat']}\s*№?\s*\d+",
        # «у дома 7 по ул. Лесной»
        rf"(?<!\w){house_number}\s+по\s+{words['street']}\s*{SHORT_NAME}",
    ]
    return [re.compile(form, re.IGNORECASE) for form in forms]


@lru_cache(maxsize=1)
def after_keyword() -> re.Pattern:
    """«проживаю по адресу Одинцово, Ленина 5»: the words up to the house number."""
    keyword = places()["address"]
    value = rf"[^\d\n.?!;]{{3,60}}?{house_pattern()}"
    pattern = rf"(?<!\w){keyword}(?:\s+по\s+адресу)?[:\s]+(?P<value>{value})"
    return re.compile(pattern, re.IGNORECASE)


def address_spans(text: str) -> list[Span]:
    """Address spans, in pattern order; overlaps are left to the caller."""
    spans = [
        Span(*match.span(), "ADDRESS")
        for pattern in address_patterns()
        for match in pattern.finditer(text)
    ]
    for match in after_keyword().finditer(text):
        spans.append(Span(*match.span("value"), "ADDRESS"))
    return spans
