"""Rule tables: the first row whose conditions hold for the client's case.

A row's conditions are its filled columns: applicant, min_kw, max_kw, max_voltage_kv,
max_distance. A condition on a slot the client has not named yet stops the search and
names that slot, so a flow asks only what decides the answer. A slot answered «не знаю»
counts as met and is listed in Match.assumed, so the answer can say what it assumes.
"""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

UNKNOWN = "unknown"
ANY = "any"
# The order questions are asked in when several are open.
CONDITION_SLOTS = ("kw", "applicant", "voltage_kv", "distance")
# Distance answers as the rank they satisfy: «15» also meets the 300/500 m rule.
# «500» is 300–500 m: near enough only in the countryside.
DISTANCE_RANKS = {"15": 15, "300": 300, "500": 300, "far": 10**9}
RURAL_ONLY = "500"
# An unknown applicant is read as a person connecting a home, the commonest case, and an
# unknown distance as the 300 m of a town: the preferential fee's condition, and not the
# 15 m that would promise the shortest works. Other unknown slots count as met. Either
# way the answer says what it assumed.
ASSUMED_VALUES = {"applicant": "person", "distance": "300"}


@dataclass(frozen=True)
class Match:
    rule: dict | None = None
    missing: str | None = None
    assumed: tuple[str, ...] = field(default_factory=tuple)


def in_force(rules: list[dict], today: date) -> list[dict]:
    """Rows valid on today's date; empty valid_from / valid_to mean open-ended."""
    return [
        rule
        for rule in rules
        if (
            not filled(rule.get("valid_from")) or parse_day(rule["valid_from"]) <= today
        )
        and (not filled(rule.get("valid_to")) or parse_day(rule["valid_to"]) >= today)
    ]


def parse_day(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


def find_rule(rules: list[dict], slots: dict) -> Match:
    """The first matching row, or the slot that must be asked before deciding."""
    for rule in rules:
        assumed: list[str] = []
        outcome = check_rule(rule, slots, assumed)
        if outcome is True:
            return Match(rule=rule, assumed=tuple(assumed))
        if isinstance(outcome, str):
            return Match(missing=outcome)
    return Match()


def check_rule(rule: dict, slots: dict, assumed: list[str]) -> bool | str:
    """True when all conditions hold, False when one fails, a slot name when unknown."""
    for slot in CONDITION_SLOTS:
        if not has_condition(rule, slot):
            continue
        value = slots.get(slot)
        if value is None:
            return slot
        if value == UNKNOWN:
            assumed.append(slot)
            if slot not in ASSUMED_VALUES:
                continue
            value = ASSUMED_VALUES[slot]
        if not holds(rule, slot, value):
            return False
        if slot == "distance" and value == RURAL_ONLY:
            assumed.append("rural")
    return True


CONDITION_COLUMNS = {
    "kw": ("min_kw", "max_kw"),
    "applicant": ("applicant",),
    "voltage_kv": ("max_voltage_kv",),
    "distance": ("max_distance",),
}


def has_condition(rule: dict, slot: str) -> bool:
    # The power a client already has (kw_existing) is recalled by the flows but decides
    # no rule: no column holds it.
    columns = CONDITION_COLUMNS.get(slot, ())
    return any(
        filled(rule.get(column)) and rule.get(column) != ANY for column in columns
    )


def holds(rule: dict, slot: str, value) -> bool:
    if slot == "kw":
        low, high = rule.get("min_kw"), rule.get("max_kw")
        return (not filled(low) or value >= float(low)) and (
            not filled(high) or value <= float(high)
        )
    if slot == "applicant":
        return value in str(rule["applicant"]).split("|")
    if slot == "voltage_kv":
        return value <= float(rule["max_voltage_kv"])
    return DISTANCE_RANKS[value] <= float(rule["max_distance"])


def filled(value) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and value != ""
    )
