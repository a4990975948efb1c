"""Personal data masking: phones, e-mails and person names become placeholders."""

import re
from functools import lru_cache

PHONE_TAG = "<PHONE>"
EMAIL_TAG = "<EMAIL>"
PERSON_TAG = "<PER>"

# Russian phone numbers as clients type them: +7 / 8 / 7, optional brackets, spaces and
# dashes anywhere between digit groups, ten digits after the country code.
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:\+7|8|7)[\s\-‐–]*\(?\d{3}\)?(?:[\s\-‐–]*\d){7}(?!\d)"
)
EMAIL_PATTERN = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)


def mask_contacts(text: str) -> str:
    """Replace phone numbers and e-mail addresses."""
    text = EMAIL_PATTERN.sub(EMAIL_TAG, text)
    return PHONE_PATTERN.sub(PHONE_TAG, text)


@lru_cache(maxsize=1)
def _ner():
    # The natasha wheel ships the Navec and Slovnet weights: nothing is downloaded.
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def person_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of person names found by Slovnet NER."""
    from natasha import Doc

    segmenter, tagger = _ner()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(span.start, span.stop) for span in doc.spans if span.type == "PER"]


def mask_persons(text: str) -> str:
    """Replace person names, right to left so earlier offsets stay valid."""
    for start, stop in sorted(person_spans(text), reverse=True):
        text = text[:start] + PERSON_TAG + text[stop:]
    return text


def mask_text(text: str) -> str:
    """Mask every kind of personal data the product knows about."""
    if not text or not text.strip():
        return text
    return mask_persons(mask_contacts(text))
