"""Contacts and document numbers found by patterns, keywords and check digits."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

RESOURCES = Path(__file__).parent / "resources"


class Span(NamedTuple):
    start: int
    end: int
    type: str


class Rule(NamedTuple):
    type: str
    pattern: re.Pattern
    valid: Callable[[str], bool] = lambda value: True


def read_rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a resource file, comments and blank lines skipped."""
    lines = (RESOURCES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def alternatives(fragments: list[str]) -> str:
    return "(?:" + "|".join(fragments) + ")"


DASHES = r"[\s\-‐–]*"
# No flags: pipelines/validate.py hands the bare pattern text to great-expectations.
PHONE_PATTERN = re.compile(
    # +7, 8 or 7 and ten digits, a word may stick to it («тел89161234567»);
    # 8 800 numbers are companies' (the hotline)
    rf"(?<![\d+_])(?:\+7|8|7){DASHES}\(?(?!800)\d{{3}}\)?(?:{DASHES}\d){{7}}(?!\d)"
    # other countries
    r"|(?<![\w+])\+(?!7)\d{1,3}[\s\-]?\(?\d{1,4}\)?(?:[\s\-]?\d){6,10}(?!\d)"
    # ten digits without the prefix: «(495) 123-45-67», «985 114-67-29», «9851146729»
    r"|(?<![\w+\-])\((?!800)\d{3}\)[\s\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?![\d\-])"
    r"|(?<![\w+\-])[3489]\d{2}[\s\-]\d{3}[\s\-]?\d{2}[\s\-]?\d{2}(?![\d\-])"
    r"|(?<![\w+\-])9\d{9}(?![\d\-])"
    # a Moscow number without the area code: «123-45-67»; «110-35-10 кВ» is voltage
    r"|(?<![\w+\-])\d{3}-\d{2}-\d{2}(?![\d\-]|\s*[кК]?[вВ]\b)"
)
EMAIL_PATTERN = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
CARD_PATTERN = re.compile(r"(?<![\d\-])\d{4}([\s\-]?)\d{4}\1\d{4}\1\d{4}(?![\d\-])")
SNILS_PATTERN = re.compile(
    r"(?<![\d\-])\d{3}-\d{3}-\d{3}[\s\-]\d{2}(?![\d\-])"
    r"|(?<!\d)\d{3} \d{3} \d{3} \d{2}(?!\d)"
)
PASSPORT_PATTERN = re.compile(r"(?<![\d\-])(?:\d{2} \d{2}|\d{4}) \d{6}(?![\d\-])")
INN_PATTERN = re.compile(r"(?<![\d\-])(?:\d{12}|\d{10})(?![\d\-])")

# What follows a keyword: «паспорт 4510 123456», «ИНН 7707083893».
VALUES = {
    "PASSPORT": r"\d{2}\s?\d{2}(?:\s*(?:№|N|номер)\s*|\s*)\d{6}",
    "SNILS": r"\d{3}[\s\-]?\d{3}[\s\-]?\d{3}[\s\-]?\d{2}",
    "INN": r"\d{10,12}",
    "ACCOUNT": r"\d(?:[\d\-/]*\d)?",
    "APPLICATION": r"[\w\-/]*\d[\w\-/]*",
    "PHONE": r"(?!8[\s\-]*\(?800)\+?\d(?:[\s\-()]{0,2}\d){6,11}",
}
# Fewest digits in a value found by its keyword: «заявка № 2024» is a year.
MIN_DIGITS = {"ACCOUNT": 5, "APPLICATION": 5}
# Plain words may stand between a keyword and its value: «заявка на подключение №».
FILLER = r"(?:\s+[^\W\d]{1,14}){0,3}?"
KEYWORDED = ["PASSPORT", "SNILS", "INN", "ACCOUNT", "APPLICATION", "PHONE"]


def luhn_valid(number: str) -> bool:
    digits = [int(digit) for digit in re.sub(r"\D", "", number)][::-1]
    doubled = [digit * 2 - 9 if digit > 4 else digit * 2 for digit in digits[1::2]]
    return (sum(digits[0::2]) + sum(doubled)) % 10 == 0


INN_WEIGHTS = {
    10: [[2, 4, 10, 3, 5, 9, 4, 6, 8]],
    12: [[7, 2, 4, 10, 3, 5, 9, 4, 6, 8], [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]],
}


def inn_valid(number: str) -> bool:
    """ИНН check digits: one for a company's ten digits, two for a person's twelve."""
    digits = [int(digit) for digit in number]
    for weights in INN_WEIGHTS.get(len(digits), [[]]):
        check = sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10
        if not weights or check != digits[len(weights)]:
            return False
    return True


def enough_digits(count: int) -> Callable[[str], bool]:
    return lambda value: sum(char.isdigit() for char in value) >= count


@lru_cache(maxsize=1)
def vocabulary() -> dict[tuple[str, str], list[str]]:
    """(type, role) → regex fragments from mask_keywords.tsv."""
    table: dict[tuple[str, str], list[str]] = {}
    for kind, role, fragment in read_rows("mask_keywords.tsv"):
        table.setdefault((kind, role), []).append(fragment)
    return table


@lru_cache(maxsize=1)
def units() -> str:
    """Words that make the number before them a quantity: «5 дней», «15 кВт»."""
    rows = read_rows("mask_places.tsv")
    return alternatives([fragment for kind, fragment in rows if kind == "unit"])


def keyword_rule(kind: str, role: str = "keyword") -> Rule:
    """The value after one of its keywords; a weak keyword stands right before it."""
    words = vocabulary()
    keyword = alternatives(words[kind, role])
    filler = FILLER if role == "keyword" else ""
    link = rf"(?:[\s:]*{alternatives(words['*', 'link'])}(?!\w))*[\s:.]*"
    value = rf"(?P<value>{VALUES[kind]})(?![\d\-/]|\s*{units()}(?!\w))"
    pattern = re.compile(rf"(?<!\w){keyword}(?!\w){filler}{link}{value}", re.IGNORECASE)
    return Rule(kind, pattern, enough_digits(MIN_DIGITS.get(kind, 0)))


def application_rules() -> list[Rule]:
    """«ТП-26-171537», «2024-ТП-556781», «ДУ-2024-0567»: letters, dashes, six digits."""
    prefix = alternatives(vocabulary()["APPLICATION", "prefix"])
    known = rf"(?<![\w\-])(?:\d{{2,4}}-)?{prefix}-?\d[\d\-/]*\d(?![\w\-])"
    # Other letters need the year too: «КЛ-125» alone is a cable line.
    other = r"(?<![\w\-])[А-ЯЁ]{1,4}-\d{2}(?:\d{2})?-\d[\d\-]*\d(?:/\d+)?(?![\w\-])"
    # Typed with spaces or long dashes: «тп 26 171537», «У–26–123456».
    spaced = rf"(?<![\w\-]){prefix}[\s\-–—]*\d{{2}}[\s\-–—]+\d{{6}}(?![\d\-])"
    # No letters, as the chat's own hints write it and the status flow reads it.
    bare = r"(?<![\w\-–—])\d{2}[\-–—]\d{6}(?![\w\-–—])"
    return [
        Rule("APPLICATION", re.compile(known, re.IGNORECASE), enough_digits(6)),
        Rule("APPLICATION", re.compile(other)),
        Rule("APPLICATION", re.compile(spaced, re.IGNORECASE), enough_digits(8)),
        Rule("APPLICATION", re.compile(bare)),
    ]


@lru_cache(maxsize=1)
def rules() -> list[Rule]:
    """Every rule, surest first: a span overlapping an earlier one is dropped."""
    return [
        Rule("EMAIL", EMAIL_PATTERN),
        Rule("CARD", CARD_PATTERN, luhn_valid),
        Rule("SNILS", SNILS_PATTERN),
        *application_rules(),
        *[keyword_rule(kind) for kind in KEYWORDED],
        Rule("PHONE", PHONE_PATTERN),
        keyword_rule("APPLICATION", "weak_keyword"),
        Rule("PASSPORT", PASSPORT_PATTERN),
        Rule("INN", INN_PATTERN, inn_valid),
    ]


def pattern_spans(text: str) -> list[Span]:
    """Contacts and document numbers, in rule order; overlaps are left to the caller."""
    spans = []
    for rule in rules():
        group = "value" if "value" in rule.pattern.groupindex else 0
        for match in rule.pattern.finditer(text):
            if rule.valid(match.group(group)):
                spans.append(Span(match.start(group), match.end(group), rule.type))
    return spans
