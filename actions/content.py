"""Access to the project's content files (data/) for actions: responses, intent labels, sources, resources.

Actions never hold answer text themselves; they pick responses and data entries and join them.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@functools.lru_cache(maxsize=None)
def load_data_file(relative: str) -> Dict[str, Any]:
    with open(DATA_DIR / relative, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def intent_catalogue() -> Dict[str, Dict[str, Any]]:
    return load_data_file("intents.yml")["intents"]


def sources() -> Dict[str, Dict[str, str]]:
    return load_data_file("sources.yml")["sources"]


def source_line(source_ids: Iterable[str]) -> str:
    """'Source: <title> — <url>' for the first known id (titles in the registry are long; keep the part
    before the first dash, which names the publisher)."""
    for source_id in source_ids:
        source = sources().get(source_id)
        if source:
            publisher = source["title"].split(" – ")[0].strip()
            return f"Source: {publisher} — {source['url']}"
    return ""


def texts() -> Dict[str, Dict[str, Any]]:
    return load_data_file("texts.yml")["texts"]


def text(name: str, language: Optional[str] = "en", **values: Any) -> Any:
    """A text from data/texts.yml in the conversation's language (English when no translation exists yet),
    with {placeholders} filled from `values`."""
    entry = texts()[name]
    chosen = entry.get(language or "en", entry["en"])
    return chosen.format(**values) if values and isinstance(chosen, str) else chosen
