"""Which offices serve a place: its own, else its district's, else the nearest ones.

The place may be a town, a village of the gazetteer (settlements.csv gives its district)
or a district itself («Одинцовский», «в Раменском округе»). When neither the place nor
its district has an office, the offices nearest as the crow flies are found from the
coordinates of the places (settlement_coordinates.csv); without coordinates, the head
office.
"""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .places import Name, best_name, named_place, names_of, tokens_of

OWN, NEAREST, NEARBY, FALLBACK = "own", "nearest", "nearby", "fallback"
# «Троицкий (Москва)» is matched as «Троицкий».
NOTE_IN_BRACKETS = re.compile(r"\s*\(.*?\)")
HEAD_OFFICE_SOURCE = "public"
# Rows standing in for the company directory until its export replaces the file.
SAMPLE_SOURCE = "sample"
EARTH_RADIUS_KM = 6371.0
NEARBY_SHOWN = 3
DISTANCE = "distance_km"


@dataclass(frozen=True)
class OfficeMatch:
    """kind: OWN (offices of the place), NEAREST (its district's), NEARBY (the nearest
    by distance) or FALLBACK; offices carry distance_km where both points are known."""

    kind: str
    place: str
    district: str | None
    offices: pd.DataFrame


def district_names(districts: tuple[str, ...]) -> tuple[Name, ...]:
    """Districts compared without their bracketed note."""
    plain = names_of(tuple(NOTE_IN_BRACKETS.sub("", name) for name in districts))
    return tuple(Name(full, name.typed, name.key, name.size)
                 for full, name in zip(districts, plain, strict=True))


@dataclass(frozen=True)
class OfficeDirectory:
    """The tables an office lookup reads, with the place names it matches prepared.

    Built once per load of the store: the names from pandas on every message cost more
    than the matching. Read-only: the lookups filter the frames, never change them."""

    offices: pd.DataFrame
    settlements: pd.DataFrame
    coordinates: pd.DataFrame | None
    towns: tuple[Name, ...]
    districts: tuple[Name, ...]


def prepare_directory(offices: pd.DataFrame, settlements: pd.DataFrame,
                      coordinates: pd.DataFrame | None = None) -> OfficeDirectory:
    """Towns of the offices, the gazetteer and the coordinates; districts of the first two."""
    known = set(coordinates["place"]) if coordinates is not None else set()
    towns = tuple(sorted(set(offices["town"]) | set(settlements["settlement"]) | known))
    districts = tuple(sorted(set(offices["district"]) | set(settlements["district"])))
    return OfficeDirectory(offices, settlements, coordinates, names_of(towns),
                           district_names(districts))


def find_offices(text: str, directory: OfficeDirectory) -> OfficeMatch | None:
    """The offices for the place named in the text; None if no place is named.

    Without coordinates no distance is known, and a place whose district has no office
    gets the head office."""
    tokens = tokens_of(text)
    offices = directory.offices
    town = best_name(tokens, directory.towns, set())
    district = best_name(tokens, directory.districts, set())
    if town and (district is None or town.score >= district.score):
        return offices_of_town(town.value, offices, directory.settlements,
                               directory.coordinates)
    if district:
        return offices_of_district(district.value, district.value, offices)

    place = named_place(text)
    if place:
        return OfficeMatch(FALLBACK, place, None, head_offices(offices))
    return None


def offices_of_town(town: str, offices: pd.DataFrame, settlements: pd.DataFrame,
                    coordinates: pd.DataFrame | None = None) -> OfficeMatch:
    own = offices[offices["town"] == town]
    if not own.empty:
        return OfficeMatch(OWN, town, None, own)
    district = district_of(town, settlements)
    point = point_of(town, coordinates)
    same_district = offices[offices["district"] == district]
    if district and not same_district.empty:
        found = by_distance(same_district, point, coordinates)
        return OfficeMatch(NEAREST, town, district, found)

    nearest = by_distance(offices, point, coordinates).dropna(subset=[DISTANCE])
    if not nearest.empty:
        return OfficeMatch(NEARBY, town, district, nearest.head(NEARBY_SHOWN))
    return OfficeMatch(FALLBACK, town, district, head_offices(offices))


def offices_of_district(place: str, district: str,
                        offices: pd.DataFrame) -> OfficeMatch:
    found = offices[offices["district"] == district]
    if found.empty:
        return OfficeMatch(FALLBACK, place, district, head_offices(offices))
    return OfficeMatch(OWN, place, district, found)


def district_of(town: str, settlements: pd.DataFrame) -> str | None:
    rows = settlements[settlements["settlement"] == town]["district"]
    return rows.iloc[0] if not rows.empty else None


def point_of(place: str, coordinates: pd.DataFrame | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a place, or None if the table does not have it."""
    if coordinates is None:
        return None
    rows = coordinates[coordinates["place"] == place]
    if rows.empty:
        return None
    return float(rows["latitude"].iloc[0]), float(rows["longitude"].iloc[0])


def by_distance(offices: pd.DataFrame, point: tuple[float, float] | None,
                coordinates: pd.DataFrame | None) -> pd.DataFrame:
    """The offices with their distance from the point, nearest first; offices whose
    town has no coordinates keep NaN and come last."""
    found = offices.assign(**{DISTANCE: np.nan})
    if point is None or coordinates is None:
        return found
    towns = coordinates.set_index("place")
    latitudes = found["town"].map(towns["latitude"]).astype(float)
    longitudes = found["town"].map(towns["longitude"]).astype(float)
    found[DISTANCE] = great_circle_km(point, latitudes.to_numpy(), longitudes.to_numpy())
    return found.sort_values(DISTANCE, kind="stable", na_position="last")


def great_circle_km(point: tuple[float, float], latitudes: np.ndarray,
                    longitudes: np.ndarray) -> np.ndarray:
    """Haversine distance on a sphere of the Earth's mean radius: within a region the
    error against the ellipsoid stays under half a percent."""
    lat1, lon1 = np.radians(point[0]), np.radians(point[1])
    lat2, lon2 = np.radians(latitudes), np.radians(longitudes)
    half = (np.sin((lat2 - lat1) / 2) ** 2
            + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(half))


def cell(value) -> str:
    """A directory cell as text; an empty cell reads as NaN from pandas."""
    return "" if value is None or pd.isna(value) else str(value)


def head_offices(offices: pd.DataFrame) -> pd.DataFrame:
    """The offices the directory marks as public facts; the first row if none is."""
    public = offices[offices["source"] == HEAD_OFFICE_SOURCE]
    return public if not public.empty else offices.head(1)


def is_unconfirmed(office: dict) -> bool:
    """True for an office whose address and hours no public source confirms."""
    return office.get("source") == SAMPLE_SOURCE
