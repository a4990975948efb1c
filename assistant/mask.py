"""Personal data masking: contacts, names, addresses and documents become tags."""

from functools import lru_cache

from .mask_address import address_spans
from .mask_ner import person_spans
from .mask_patterns import EMAIL_PATTERN, PHONE_PATTERN, Span, pattern_spans, read_rows

__all__ = [
    "EMAIL_PATTERN",
    "PHONE_PATTERN",
    "Span",
    "find_spans",
    "mask_text",
    "tags",
    "warm_up",
]


@lru_cache(maxsize=1)
def tags() -> dict[str, str]:
    """Entity type → its placeholder, from mask_tags.tsv: PHONE → <PHONE>."""
    return {kind: tag for kind, tag in read_rows("mask_tags.tsv")}


def without_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the first of overlapping spans: the finders list the surest ones first."""
    kept: list[Span] = []
    for span in spans:
        if all(span.end <= other.start or other.end <= span.start for other in kept):
            kept.append(span)
    return sorted(kept)


def merge_adjacent_names(text: str, spans: list[Span]) -> list[Span]:
    """Slovnet and the dictionaries may cut a name in two: «Иванова», «Ольга»."""
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        joined = last and last.type == span.type == "PER"
        if joined and not text[last.end : span.start].strip():
            merged[-1] = Span(last.start, span.end, "PER")
        else:
            merged.append(span)
    return merged


def find_spans(text: str) -> list[Span]:
    """Personal data in the text, sorted, without overlaps."""
    if not text or not text.strip():
        return []
    names = sorted(person_spans(text), key=lambda span: span.start - span.end)
    found = pattern_spans(text) + address_spans(text) + names
    return merge_adjacent_names(text, without_overlaps(found))


def mask_text(text: str) -> str:
    """Mask every kind of personal data the product knows about."""
    for span in reversed(find_spans(text)):
        text = text[: span.start] + tags()[span.type] + text[span.end :]
    return text


def warm_up() -> None:
    """Load pymorphy3, the name dictionaries and Slovnet now, not on a first message."""
    find_spans("Меня зовут Иван Петров")
