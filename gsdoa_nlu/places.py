"""Which EntityRuler matches of a parsed message are trusted, and where its places are — shared by the entity
annotator (gsdoa_nlu/components.py) and the classifier's place mask (gsdoa_nlu/classifier.py), so both read the
one spaCy parse the same way.

Case-sensitive aliases ("ON", "Hope", "Regina") are trusted only in normally-cased text and not as the first
word: "CAN THEY CUFF ME ON THE SPOT" or "Hope you can help" name no place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gsdoa_nlu.patterns import split_entity_id

PLACEHOLDER = "__place__"
PLACE_LABELS = ("province", "city")
LABELS = ("province", "city", "foreign_place", "substance", "legal_situation")


def shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.6


def trusted_matches(doc, text: str) -> Iterator[tuple[Any, str]]:  # (spacy.tokens.Span, id)
    """(span, canonical id) of every EntityRuler match the message's casing lets us trust."""
    loud = shouting(text)
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        ent_id, case_sensitive = split_entity_id(ent.ent_id_ or ent.text)
        if case_sensitive and (loud or not text[: ent.start_char].strip()):
            continue
        yield ent, ent_id


def place_spans(doc, text: str) -> list[tuple[int, int]]:
    """Character spans of the trusted provinces and cities."""
    return [(ent.start_char, ent.end_char) for ent, _ in trusted_matches(doc, text) if ent.label_ in PLACE_LABELS]
