"""Expectations for the tables the actions read: rule tables, flow texts, slot words,
service synonyms, the staff directory and the places' coordinates (run by
pipelines/build_kb.py)."""

import great_expectations.expectations as gxe
import pandas as pd

from .checks import DATE_FORMAT, SOURCE_KEYS, SOURCE_SEPARATOR, text_expectations

ACTION_TEXT_SOURCES = {
    "flow_texts": "flow_texts.csv",
    "fee_rules": "fee_rules.csv",
    "deadline_rules": "deadline_rules.csv",
    "slot_words": "slot_words.csv",
    "service_synonyms": "service_synonyms.csv",
    "staff": "staff.csv",
    "settlement_coordinates": "settlement_coordinates.csv",
}
ID_COLUMNS = {
    "flow_texts": "key",
    "fee_rules": "rule_id",
    "deadline_rules": "rule_id",
    "slot_words": "phrase",
    "service_synonyms": "phrase",
    "staff": "staff_id",
    "settlement_coordinates": "place",
}
CONDITION_COLUMNS = ["applicant", "min_kw", "max_kw", "max_voltage_kv", "max_distance"]
FEE_COLUMNS = [
    "rule_id",
    "connection",
    *CONDITION_COLUMNS,
    "valid_from",
    "valid_to",
    "basis",
    "amount_rub",
    "confirmed",
    "text_key",
    "sources",
    "checked_on",
    "confidence",
]
DEADLINE_COLUMNS = [
    "rule_id",
    "stage",
    *CONDITION_COLUMNS,
    "amount_min",
    "amount_max",
    "unit",
    "counted_from",
    "text_key",
    "sources",
    "checked_on",
    "confidence",
]
APPLICANT = "(person|social|entrepreneur|company)"
APPLICANTS = rf"^(any|{APPLICANT}(\|{APPLICANT})*)$"
ELSEWHERE_TARGETS = ["elsewhere_bills", "elsewhere_utilities", "elsewhere_wiring"]
COORDINATE_COLUMNS = ["place", "latitude", "longitude", "source"]
# Moscow and its region lie within 54–56.99° N and 35–40.99° E: a point outside is a typo
# (swapped columns, a lost digit) that would send a client to the wrong office.
REGION_LATITUDE = r"^5[4-6]\.\d{1,6}$"
REGION_LONGITUDE = r"^(?:3[5-9]|40)\.\d{1,6}$"


def fact_expectations(id_column: str) -> list:
    """A fact row: unique id, cited sources, a checked-on date, a confidence mark."""
    return [
        gxe.ExpectColumnValuesToBeUnique(column=id_column),
        gxe.ExpectColumnValuesToNotBeNull(column=id_column),
        gxe.ExpectColumnValuesToMatchRegex(column="sources", regex=SOURCE_KEYS),
        gxe.ExpectColumnValuesToNotBeNull(column="sources"),
        gxe.ExpectColumnValuesToMatchStrftimeFormat(
            column="checked_on", strftime_format=DATE_FORMAT
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="checked_on"),
    ]


def rule_expectations(columns: list[str], text_keys: list[str]) -> list:
    """A rule row: known applicants, numeric bounds, an answer text that exists."""
    numeric = [
        gxe.ExpectColumnValuesToMatchRegex(column=column, regex=r"^\d+(\.\d+)?$")
        for column in ("min_kw", "max_kw", "max_voltage_kv", "max_distance")
    ]
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=columns, exact_match=True),
        *fact_expectations("rule_id"),
        gxe.ExpectColumnValuesToMatchRegex(column="applicant", regex=APPLICANTS),
        *numeric,
        gxe.ExpectColumnValuesToBeInSet(column="text_key", value_set=text_keys),
        # A rule may rest on a medium-confidence fact only when it states no figure.
        gxe.ExpectColumnValuesToBeInSet(column="confidence", value_set=["H", "M"]),
    ]


def coordinate_expectations() -> list:
    """A place once, a point inside the region in decimal degrees, where it came from."""
    return [
        gxe.ExpectTableColumnsToMatchSet(column_set=COORDINATE_COLUMNS, exact_match=True),
        gxe.ExpectColumnValuesToBeUnique(column="place"),
        gxe.ExpectColumnValuesToNotBeNull(column="place"),
        gxe.ExpectColumnValuesToMatchRegex(column="latitude", regex=REGION_LATITUDE),
        gxe.ExpectColumnValuesToMatchRegex(column="longitude", regex=REGION_LONGITUDE),
        gxe.ExpectColumnValuesToNotBeNull(column="latitude"),
        gxe.ExpectColumnValuesToNotBeNull(column="longitude"),
        gxe.ExpectColumnValuesToNotBeNull(column="source"),
    ]


def action_suites(frames: dict[str, pd.DataFrame], service_ids: list[str]) -> dict:
    """Suite per table: (expectations, id column)."""
    text_keys = list(frames["flow_texts"]["key"])
    fee = rule_expectations(FEE_COLUMNS, text_keys) + [
        gxe.ExpectColumnValuesToBeInSet(
            column="basis", value_set=["fixed", "per_kw", "standardized"]
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="confirmed", value_set=["true", "false"]
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="connection", value_set=["permanent", "temporary"]
        ),
        # A figure is computed only from a confirmed, high-confidence rate.
        gxe.ExpectColumnPairValuesToBeInSet(
            column_A="confirmed",
            column_B="confidence",
            value_pairs_set=[("true", "H"), ("false", "H"), ("false", "M")],
        ),
    ]
    deadline = rule_expectations(DEADLINE_COLUMNS, text_keys) + [
        gxe.ExpectColumnValuesToBeInSet(
            column="unit", value_set=["working_days", "days", "months"]
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="counted_from",
            value_set=["application", "contract", "complete_file"],
        ),
    ]
    return {
        "flow_texts": (
            [
                gxe.ExpectTableColumnsToMatchSet(
                    column_set=[
                        "key",
                        "text",
                        "suggestions",
                        "sources",
                        "checked_on",
                        "confidence",
                    ],
                    exact_match=True,
                ),
                *fact_expectations("key"),
                *text_expectations("text"),
                gxe.ExpectColumnValuesToBeInSet(
                    column="confidence", value_set=["H", "M"]
                ),
            ],
            "key",
        ),
        "fee_rules": (fee, "rule_id"),
        "deadline_rules": (deadline, "rule_id"),
        "slot_words": (
            [
                gxe.ExpectTableColumnsToMatchSet(
                    column_set=["slot", "value", "phrase"], exact_match=True
                ),
                gxe.ExpectColumnValuesToNotBeNull(column="phrase"),
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["slot", "phrase"]),
            ],
            "phrase",
        ),
        "service_synonyms": (
            [
                gxe.ExpectColumnValuesToBeInSet(
                    column="target", value_set=[*service_ids, *ELSEWHERE_TARGETS]
                ),
                gxe.ExpectColumnValuesToNotBeNull(column="phrase"),
            ],
            "phrase",
        ),
        "staff": (
            [
                *fact_expectations("staff_id"),
                *text_expectations("position"),
                *text_expectations("name"),
                gxe.ExpectColumnValuesToBeInSet(
                    column="current", value_set=["true", "false"]
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="confidence", value_set=["H", "M"]
                ),
            ],
            "staff_id",
        ),
        "settlement_coordinates": (coordinate_expectations(), "place"),
    }


def cited_keys(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per source key a fact row of the action tables cites."""
    parts = []
    for name in ("flow_texts", "fee_rules", "deadline_rules", "staff"):
        keys = frames[name]["sources"].fillna("").str.split(SOURCE_SEPARATOR).explode()
        parts.append(pd.DataFrame({"label": name, "source_key": keys.str.strip()}))
    return pd.concat(parts, ignore_index=True)
