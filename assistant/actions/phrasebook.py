"""Texts of the flows (data/kb/flow_texts.csv): a body with {placeholders}, buttons."""

from dataclasses import dataclass

from ..store import KnowledgeStore

SUGGESTION_SEPARATOR = "|"
BULLET = "• "


@dataclass(frozen=True)
class Phrase:
    text: str
    suggestions: tuple[str, ...]


def phrase(store: KnowledgeStore, key: str, **values) -> Phrase:
    """One row of flow_texts, its placeholders filled in."""
    rows = store.table("flow_texts")
    found = rows[rows["key"] == key]
    if found.empty:
        raise KeyError(
            f"flow text {key!r} is missing from data/kb/flow_texts.csv; "
            "add it and run: dvc repro build_kb"
        )
    row = found.iloc[0]
    buttons = row["suggestions"] if isinstance(row["suggestions"], str) else ""
    suggestions = tuple(
        part.strip() for part in buttons.split(SUGGESTION_SEPARATOR) if part
    )
    return Phrase(row["text"].format(**values), suggestions)


def text(store: KnowledgeStore, key: str, **values) -> str:
    return phrase(store, key, **values).text


def compose(headline: str, bullets: list[str], next_step: str) -> str:
    """The answer shape of the chat: the answer first, a few bullets, one next step."""
    lines = [headline, *(BULLET + bullet for bullet in bullets)]
    return "\n".join(lines) + f"\n\n{next_step}"


def format_rubles(amount: float) -> str:
    """45000 → «45 000»."""
    return f"{amount:,.0f}".replace(",", " ")


def format_kw(value: float) -> str:
    return f"{value:g}".replace(".", ",")
