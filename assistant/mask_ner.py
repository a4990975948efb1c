"""Person names by Slovnet NER, read on a copy with the name words capitalised.

Slovnet finds names by their capitals: «иванова ольга петровна» becomes «Иванова Ольга
Петровна» in the copy (same offsets). It also takes brands and capitalised words for
people, so its spans pass the filters below; mask_names.py finds names by dictionaries.
"""

import re
from functools import lru_cache

from .mask_names import (
    Span,
    Word,
    context_words,
    dictionary_spans,
    extend_by_initials,
    in_place_name,
    read_words,
)

SENTENCE_END = re.compile(r"[.!?…]\s*$")


@lru_cache(maxsize=1)
def ner():
    """Slovnet's news NER, and a control to run its small matrices on one thread."""
    # The natasha wheel ships the Navec and Slovnet weights: nothing is downloaded.
    from natasha import NewsEmbedding, NewsNERTagger
    from threadpoolctl import ThreadpoolController

    return NewsNERTagger(NewsEmbedding()), ThreadpoolController()


def needs_ner(words: list[Word]) -> bool:
    """Slovnet costs a millisecond or more: run it only if a word may be a name."""
    return any(word.roles or (word.text.istitle() and not word.known) for word in words)


def capitalised_copy(text: str, words: list[Word]) -> str:
    """The text with name words capitalised; offsets stay the same."""
    chars = list(text)
    for word in words:
        if word.roles and not word.text.istitle():
            chars[word.start : word.end] = word.text.capitalize()
    return "".join(chars)


def tag(text: str) -> list:
    # Slovnet fails on a text with no tokens; there is nothing in it to find anyway.
    if not text.strip():
        return []
    tagger, threads = ner()
    # Several BLAS threads make Slovnet ten times slower on a busy two-core machine.
    with threads.limit(limits=1, user_api="blas"):
        return tagger(text).spans


def trimmed(words: list[Word]) -> list[Word]:
    """«ИП Гусейнов»: abbreviations at the edges of a Slovnet span are no name."""
    while words and words[0].text.isupper() and not words[0].roles:
        words = words[1:]
    while words and words[-1].text.isupper() and not words[-1].roles:
        words = words[:-1]
    return words


def starts_sentence(text: str, word: Word) -> bool:
    before = text[: word.start]
    return not before.strip() or bool(SENTENCE_END.search(before))


def has_name_word(words: list[Word]) -> bool:
    """A name word, or a word unknown to pymorphy3 and no brand («Мосэнергосбыт»)."""
    brands = context_words()["not_person"]
    unknown = [word.text.lower() for word in words if not word.known and not word.roles]
    return any(word.roles for word in words) or any(
        not any(word.startswith(stem) for stem in brands) for word in unknown
    )


def may_be_name(text: str, words: list[Word]) -> bool:
    if len(words) > 1:
        return has_name_word(words)
    word = words[0]
    if word.roles:
        # «запах гари» became «запах Гари» in the copy: alone, it needs its own capital.
        return word.text.istitle()
    # «Капча на входе…»: an unknown word that opens a sentence is capitalised anyway.
    return not starts_sentence(text, word) and has_name_word(words)


def ner_spans(text: str, words: list[Word]) -> list[Span]:
    """Slovnet's PER spans that pass the filters, with their initials."""
    if not needs_ner(words):
        return []
    index = {word.start: number for number, word in enumerate(words)}
    spans = []
    for span in tag(capitalised_copy(text, words)):
        inside = [word for word in words if span.start <= word.start < span.stop]
        inside = trimmed(inside)
        if span.type != "PER" or not inside or not may_be_name(text, inside):
            continue
        first, last = inside[0], inside[-1]
        if not in_place_name(text, words, index[first.start], index[last.start]):
            spans.append(Span(*extend_by_initials(text, first.start, last.end), "PER"))
    return spans


def person_spans(text: str) -> list[Span]:
    """Person names found by either Slovnet or the dictionaries; overlaps left in."""
    words = read_words(text)
    return ner_spans(text, words) + dictionary_spans(text, words)
