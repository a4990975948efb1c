"""Power, voltage and distance in a client's words: «15квт», «15 kw», «0,4 кВ», «200 м».

Number words («пятнадцать киловатт») are turned into digits first, so one set of
patterns reads both.
"""

import re
from functools import lru_cache

from ..text import RESOURCES, lemma, strip_markup

NUMBER = r"(?<![\d.,])(-?\d+(?:[.,]\d+)?)"
# «кВт», «квт», «kw», «kvt», «киловатт(а)»; a bare «кв» is read as kW only when its
# value is not a voltage class («15 кв» is a house, «10 кв» is a line).
KW_UNIT = r"(?:квт|kw|kvt|киловатт\w*|кв(?:\.|\b)(?!\s*м))"
KV_UNIT = r"(?:кв|kv|киловольт\w*)\b(?!\.?\s*м)"
VOLT_UNIT = r"(?:в|v|вольт\w*)\b"
METRE_UNIT = r"(?:м|метр\w*|km|км|километр\w*)\b"
KW_PATTERN = re.compile(NUMBER + r"\s*(" + KW_UNIT + ")")
KV_PATTERN = re.compile(NUMBER + r"\s*" + KV_UNIT)
VOLT_PATTERN = re.compile(NUMBER + r"\s*" + VOLT_UNIT)
METRE_PATTERN = re.compile(NUMBER + r"\s*(" + METRE_UNIT + ")")
# «метров 100» is said as often as «100 метров».
METRES_FIRST_PATTERN = re.compile(
    r"\bметр\w*\s+" + NUMBER + r"(?!\d)(?!\s*(?:" + KW_UNIT + "|" + KV_UNIT + "))"
)
FROM_TO_PATTERN = re.compile(
    r"\bс\s+" + NUMBER + r"\s*(?:квт|kw|кв)?\s*(?:до|на)\s+" + NUMBER
)
# «до 0,4» with no unit: no one asks for 0.4 kW, so these figures are the low voltage.
LOW_VOLTAGE_FIGURE = re.compile(
    r"(?<![\d.,])0[.,](?:4|38|23)(?![\d.,])(?!\s*" + KW_UNIT + ")"
)
BARE_NUMBER = re.compile(r"^\D{0,20}?" + NUMBER + r"\D{0,20}$")
CYRILLIC_WORD = re.compile(r"[а-яё]+")
# «минус 5» is a negative figure, to be refused like «-5», not read as 5.
MINUS_WORD = re.compile(r"\bминус\s*(?=\d)")
# Voltage classes of the grid, kV: a number with «кВ» among them is a voltage.
VOLTAGE_CLASSES = frozenset({0.4, 0.23, 0.38, 6.0, 10.0, 20.0, 35.0, 110.0, 220.0})
# Household voltages in volts, all on the 0.4 kV network.
HOUSEHOLD_VOLTS = frozenset({220.0, 230.0, 380.0, 400.0})
LOW_VOLTAGE_KV = 0.4


@lru_cache(maxsize=1)
def number_words() -> dict[str, float]:
    lines = (RESOURCES / "number_words.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return {word: float(value) for word, value in pairs}


def to_float(digits: str) -> float:
    return float(digits.replace(",", "."))


def spell_numbers(text: str) -> str:
    """«пятнадцать киловатт» → «15 киловатт»; «сто пятьдесят» → «150»."""
    values = number_words()
    runs: list[list] = []
    for match in CYRILLIC_WORD.finditer(text):
        value = values.get(lemma(match.group()))
        if value is None:
            continue
        previous = runs[-1] if runs else None
        if previous and not text[previous[1] : match.start()].strip():
            previous[1] = match.end()
            previous[2].append(value)
        else:
            runs.append([match.start(), match.end(), [value]])
    for start, end, run in reversed(runs):
        text = text[:start] + format_number(join_number_words(run)) + text[end:]
    return text


def join_number_words(values: list[float]) -> float:
    total, current = 0.0, 0.0
    for value in values:
        if value == 1000:
            total += max(current, 1) * 1000
            current = 0.0
        else:
            current += value
    return total + current


def format_number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def prepare(text: str) -> str:
    """Lowercase text with number words as digits, «минус» as «-», «ё» as «е»."""
    plain = strip_markup(text).lower().replace("ё", "е")
    return MINUS_WORD.sub("-", spell_numbers(plain))


def read_kw(text: str) -> float | None:
    """Requested power in kW, if the text names it with a unit."""
    prepared = prepare(text)
    for match in KW_PATTERN.finditer(prepared):
        value, unit = to_float(match.group(1)), match.group(2)
        if not (
            unit.startswith("кв") and unit[2:3] != "т" and value in VOLTAGE_CLASSES
        ):
            return value
    return None


def read_kw_change(text: str) -> tuple[float, float] | None:
    """«с 5 до 15 кВт» → (5, 15): power held now and power wanted in total."""
    match = FROM_TO_PATTERN.search(prepare(text))
    if not match or " до " not in match.group(0):
        return None
    return to_float(match.group(1)), to_float(match.group(2))


def read_voltage(text: str) -> float | None:
    """Voltage in kV: «10 кВ» → 10; «380 В», «220 вольт» or a bare «0,4» → 0.4."""
    prepared = prepare(text)
    for match in KV_PATTERN.finditer(prepared):
        value = to_float(match.group(1))
        if value in VOLTAGE_CLASSES:
            return LOW_VOLTAGE_KV if value < 1 else value
    for match in VOLT_PATTERN.finditer(prepared):
        if to_float(match.group(1)) in HOUSEHOLD_VOLTS:
            return LOW_VOLTAGE_KV
    if LOW_VOLTAGE_FIGURE.search(prepared):
        return LOW_VOLTAGE_KV
    return None


def read_bare_voltage(text: str) -> float | None:
    """A reply to «какое напряжение?» that is just a number: «0,4», «10», «380»."""
    value = read_bare_number(text)
    if value is None:
        return None
    if value in HOUSEHOLD_VOLTS:
        return LOW_VOLTAGE_KV
    return (
        (LOW_VOLTAGE_KV if value < 1 else value) if value in VOLTAGE_CLASSES else None
    )


def read_metres(text: str) -> float | None:
    """A distance in metres: «200 м», «1,5 км», «метров 100»."""
    prepared = prepare(text)
    match = METRE_PATTERN.search(prepared)
    if not match:
        first = METRES_FIRST_PATTERN.search(prepared)
        return to_float(first.group(1)) if first else None
    value = to_float(match.group(1))
    return value * 1000 if match.group(2).startswith(("км", "km", "кил")) else value


def read_bare_number(text: str) -> float | None:
    """The one number of a short reply («15», «около 15»); None for anything else."""
    prepared = prepare(text)
    if len(prepared) > 40 or len(re.findall(NUMBER, prepared)) != 1:
        return None
    match = BARE_NUMBER.match(prepared)
    return to_float(match.group(1)) if match else None
