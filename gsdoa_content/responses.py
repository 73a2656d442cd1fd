"""data/responses/*.yml as the bridge needs them at run time (/emergency is answered without asking Rasa).
Rasa itself reads the responses from the trained model's domain, not from here."""

from __future__ import annotations

import functools
from typing import Any

from gsdoa_content.files import data_dir, load


@functools.lru_cache(maxsize=4)
def _responses(directory: str) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((data_dir() / "responses").glob("*.yml")):
        merged.update(load(f"responses/{path.name}").get("responses") or {})
    return merged


def responses() -> dict[str, list[dict[str, Any]]]:
    """Every response: name -> its variants, as written in data/responses/."""
    return _responses(str(data_dir()))


def variant_language(variant: dict[str, Any]) -> str:
    """The language a variant is for: its `language` slot condition, else English (the unconditioned variant)."""
    return next((str(c.get("value")) for c in variant.get("condition") or [] if c.get("name") == "language"), "en")


def response_texts(name: str) -> dict[str, str]:
    """The text of a response per language (the first variant written for each language)."""
    found: dict[str, str] = {}
    for variant in responses()[name]:
        found.setdefault(variant_language(variant), variant["text"])
    return found
