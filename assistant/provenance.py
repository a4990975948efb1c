"""Where each fact shown to clients comes from, how long ago it was checked, how sure it is.

A fact is a row of a knowledge-store table that carries a source and a checked-on date
(answers and services today; any table build_kb adds with both columns joins in).
"""

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
from razdel import sentenize

from . import settings
from .store import connect, parse_sources

CHECKED_ON = "checked_on"
SOURCE_COLUMNS = ("sources", "source")
CONFIDENCE = "confidence"
# The marks of the domain fact sheet: H seen in a source and consistent with others,
# M one secondary source or a law not re-read, L plausible but not confirmed.
STATUSES = {"H": "подтверждён", "M": "один источник", "L": "не подтверждён"}
UNKNOWN_STATUS = "не указана"
CONFIRMED = frozenset({"H", "M"})
# Least sure first among facts checked on the same day.
CONFIDENCE_ORDER = {"L": 0, "M": 1, "H": 2}
FACT_LENGTH = 160
COLUMNS = ["table", "fact_id", "fact", "source_keys", "source_titles", "checked_on",
           "age_days", "confidence", "status", "confirmed", "hedged"]

FACT_COLUMNS_SQL = """
SELECT table_name, list(column_name ORDER BY ordinal_position) AS columns
FROM information_schema.columns GROUP BY table_name ORDER BY table_name
"""
# Phone numbers and links hold digits that are no figure a client could rely on.
PHONE_OR_LINK = re.compile(
    r"(?:\+7|\b8)[\s(‑-]*\d{3}[\s)‑-]*\d[\d\s‑-]{4,}\d|\b[\w.-]+\.(?:ru|рф|com)\S*"
)
DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def hedges() -> tuple[str, ...]:
    """Stems that keep a figure from sounding certain, from data/hedges.tsv."""
    lines = settings.HEDGES_TSV.read_text(encoding="utf-8").splitlines()
    return tuple(fold(line.strip()) for line in lines if line.strip() and line[0] != "#")


def fold(text: str) -> str:
    return str(text).lower().replace("ё", "е")


def has_hedge(text: str) -> bool:
    """True if the text says the figure is not certain or where to check it."""
    folded = fold(text)
    return any(stem in folded for stem in hedges())


def has_figure(text: str) -> bool:
    """A number other than a phone or a link: a sum, a term, a date, a law."""
    return bool(DIGIT.search(PHONE_OR_LINK.sub(" ", str(text))))


def unhedged_figures(text: str) -> list[str]:
    """Sentences that state a figure with no hedge: what an unconfirmed fact must avoid."""
    sentences = [sentence.text for sentence in sentenize(str(text or ""))]
    return [s for s in sentences if has_figure(s) and not has_hedge(s)]


def fact_tables(connection) -> dict[str, tuple[str, str, str]]:
    """Table → (id column, text column, source column) for tables that hold facts."""
    tables = {}
    for name, columns in connection.execute(FACT_COLUMNS_SQL).fetchall():
        sources = [column for column in SOURCE_COLUMNS if column in columns]
        if CHECKED_ON in columns and sources:
            tables[name] = (columns[0], columns[1], sources[0])
    return tables


def source_titles(connection) -> dict[str, str]:
    """Source key → its title, or its first link when the sheet gives no title."""
    rows = connection.execute("SELECT source_key, title, urls FROM sources").fetchall()
    return {key: (title or (urls or key).split()[0]) for key, title, urls in rows}


def table_facts(connection, table: str, columns: tuple[str, str, str],
                titles: dict[str, str]) -> pd.DataFrame:
    id_column, text_column, source_column = columns
    # Empty cells: pandas' string columns keep them as NaN even through astype(str).
    frame = connection.table(table).df().astype(object).fillna("")
    # A row with no checked-on date states nothing to review (a question, a button).
    frame = frame[frame[CHECKED_ON].astype(str).str.strip() != ""]
    keys = frame[source_column].map(parse_sources)
    confidence = (frame[CONFIDENCE] if CONFIDENCE in frame else pd.Series("", frame.index))
    row_texts = frame.drop(columns=[source_column, CHECKED_ON]).astype(str).agg(" ".join, axis=1)
    return pd.DataFrame({
        "table": table,
        "fact_id": frame[id_column].astype(str),
        "fact": frame[text_column].astype(str).map(shorten),
        "source_keys": keys.map("; ".join),
        "source_titles": keys.map(lambda found: "; ".join(titles.get(k, k) for k in found)),
        "checked_on": pd.to_datetime(frame[CHECKED_ON]).dt.date,
        "confidence": confidence.fillna("").astype(str),
        "known_sources": keys.map(lambda found: bool(found) and all(k in titles for k in found)),
        "hedged": row_texts.map(has_hedge),
    })


def shorten(text: str) -> str:
    """The first line of a fact, cut to fit a table cell."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= FACT_LENGTH else line[: FACT_LENGTH - 1].rstrip() + "…"


def list_facts(store_path: Path = settings.KB_DB, today: date | None = None) -> pd.DataFrame:
    """Every fact with its sources and status, the longest unchecked first."""
    today = today or date.today()
    connection = connect(Path(store_path))
    try:
        titles = source_titles(connection)
        parts = [table_facts(connection, name, columns, titles)
                 for name, columns in fact_tables(connection).items()]
    finally:
        connection.close()

    facts = pd.concat(parts, ignore_index=True)
    facts["age_days"] = facts["checked_on"].map(lambda checked: (today - checked).days)
    facts["status"] = facts["confidence"].map(STATUSES).fillna(UNKNOWN_STATUS)
    facts["confirmed"] = facts["confidence"].isin(CONFIRMED) & facts["known_sources"]
    order = facts["confidence"].map(CONFIDENCE_ORDER).fillna(-1)
    facts = facts.assign(order=order).sort_values(
        ["checked_on", "order", "table", "fact_id"], kind="stable"
    )
    return facts[COLUMNS].reset_index(drop=True)


def older_than(facts: pd.DataFrame, days: int) -> pd.DataFrame:
    """Facts last checked `days` or more days ago; 0 keeps them all."""
    return facts[facts["age_days"] >= days].reset_index(drop=True)
