"""Which offices serve a place: its own, else its district's, else the head office.

The place may be a town, a village of the gazetteer (settlements.csv gives its district)
or a district itself («Одинцовский», «в Раменском округе»).
"""

import re
from dataclasses import dataclass

import pandas as pd

from .places import Name, best_name, named_place, names_of, tokens_of

OWN, NEAREST, FALLBACK = "own", "nearest", "fallback"
# «Троицкий (Москва)» is matched as «Троицкий».
NOTE_IN_BRACKETS = re.compile(r"\s*\(.*?\)")
HEAD_OFFICE_SOURCE = "public"


@dataclass(frozen=True)
class OfficeMatch:
    """kind: OWN (offices of the place), NEAREST (its district's) or FALLBACK."""

    kind: str
    place: str
    district: str | None
    offices: pd.DataFrame


def district_names(districts: tuple[str, ...]) -> tuple[Name, ...]:
    """Districts compared without their bracketed note."""
    plain = names_of(tuple(NOTE_IN_BRACKETS.sub("", name) for name in districts))
    return tuple(Name(full, name.typed, name.key, name.size)
                 for full, name in zip(districts, plain))


def find_offices(text: str, offices: pd.DataFrame,
                 settlements: pd.DataFrame) -> OfficeMatch | None:
    """The offices for the place named in the text; None if no place is named."""
    tokens = tokens_of(text)
    towns = tuple(sorted(set(offices["town"]) | set(settlements["settlement"])))
    districts = tuple(sorted(set(offices["district"]) | set(settlements["district"])))

    town = best_name(tokens, names_of(towns), set())
    district = best_name(tokens, district_names(districts), set())
    if town and (district is None or town.score >= district.score):
        return offices_of_town(town.value, offices, settlements)
    if district:
        return offices_of_district(district.value, district.value, offices)

    place = named_place(text)
    if place:
        return OfficeMatch(FALLBACK, place, None, head_offices(offices))
    return None


def offices_of_town(town: str, offices: pd.DataFrame,
                    settlements: pd.DataFrame) -> OfficeMatch:
    own = offices[offices["town"] == town]
    if not own.empty:
        return OfficeMatch(OWN, town, None, own)
    rows = settlements[settlements["settlement"] == town]["district"]
    district = rows.iloc[0] if not rows.empty else None
    match = offices_of_district(town, district, offices) if district else None
    if match and match.kind != FALLBACK:
        return OfficeMatch(NEAREST, town, district, match.offices)
    return OfficeMatch(FALLBACK, town, district, head_offices(offices))


def offices_of_district(place: str, district: str,
                        offices: pd.DataFrame) -> OfficeMatch:
    found = offices[offices["district"] == district]
    if found.empty:
        return OfficeMatch(FALLBACK, place, district, head_offices(offices))
    return OfficeMatch(OWN, place, district, found)


def cell(value) -> str:
    """A directory cell as text; an empty cell reads as NaN from pandas."""
    return "" if value is None or pd.isna(value) else str(value)


def head_offices(offices: pd.DataFrame) -> pd.DataFrame:
    """The offices the directory marks as public facts; the first row if none is."""
    public = offices[offices["source"] == HEAD_OFFICE_SOURCE]
    return public if not public.empty else offices.head(1)
