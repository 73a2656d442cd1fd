"""The content the actions use, all read through gsdoa_content (the one package that opens data/ at run time):
texts, intent labels, sources, resource topics.

Actions never hold answer text themselves; they pick responses and data entries and join them.
"""

from __future__ import annotations

from typing import Any

from gsdoa_content import load, text, texts
from gsdoa_content.sources import FRENCH_PAGE, is_french_page, readable_date, source_as_of, source_line, sources

__all__ = [
    "FRENCH_PAGE",
    "intent_catalogue",
    "is_french_page",
    "readable_date",
    "source_as_of",
    "source_line",
    "sources",
    "text",
    "texts",
    "topics",
]


def intent_catalogue() -> dict[str, dict[str, Any]]:
    return load("intents.yml")["intents"]


def topics() -> dict[str, Any]:
    """data/resources/topics.yml: which answers get local resources, of which kinds, and how kinds are named."""
    return load("resources/topics.yml")
