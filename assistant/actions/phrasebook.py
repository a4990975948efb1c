"""Texts of the flows (data/kb/flow_texts.csv): a body with {placeholders}, buttons."""

from dataclasses import dataclass

from ..store import KnowledgeStore
from ..text import morph
from .views import rows, view

SUGGESTION_SEPARATOR = "|"
BULLET = "• "


@dataclass(frozen=True)
class Phrase:
    text: str
    suggestions: tuple[str, ...]


def phrase(store: KnowledgeStore, key: str, **values) -> Phrase:
    """One row of flow_texts, its placeholders filled in."""
    texts = view(store, "flow_texts", index_texts)
    if key not in texts:
        raise KeyError(
            f"flow text {key!r} is missing from data/kb/flow_texts.csv; "
            "add it and run: dvc repro build_kb"
        )
    found = texts[key]
    return Phrase(found.text.format(**values), found.suggestions)


def index_texts(store: KnowledgeStore) -> dict[str, Phrase]:
    """Texts by key, placeholders still open, quick replies split."""
    index = {}
    for row in rows(store, "flow_texts"):
        buttons = (row["suggestions"] or "").split(SUGGESTION_SEPARATOR)
        suggestions = tuple(part.strip() for part in buttons if part.strip())
        index[row["key"]] = Phrase(row["text"], suggestions)
    return index


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


def counted(count: int, noun: str) -> str:
    """«1 отключение», «3 отключения», «5 отключений»: the noun agreed with the figure."""
    agreed = morph().parse(noun)[0].make_agree_with_number(count)
    return f"{count} {agreed.word if agreed else noun}"
