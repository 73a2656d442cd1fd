"""data/texts.yml: the texts actions, the REST channel and the Telegram bridge put together themselves (Rasa
utters data/responses/ itself), and the language rule every reader of the package follows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gsdoa_content.files import load

LANGUAGES = ("en", "fr")
FALLBACK = "en"


def in_language(entry: Mapping[str, Any], language: str | None) -> Any:
    """The language rule: `entry[language]` when the entry has it (non-empty), else `entry["en"]`."""
    return entry.get(language or FALLBACK) or entry[FALLBACK]


def texts() -> dict[str, dict[str, Any]]:
    return load("texts.yml")["texts"]


def text(name: str, language: str | None = FALLBACK, **values: Any) -> Any:
    """A text in `language` (the language rule), with {placeholders} filled from `values`. Button lists are
    returned as they are."""
    chosen = in_language(texts()[name], language)
    return chosen.format(**values) if values and isinstance(chosen, str) else chosen


def both_languages(entry: Mapping[str, Any]) -> str:
    """English, then French (when written): for a reply sent before anyone knows the user's language."""
    return "\n\n".join(entry[language] for language in LANGUAGES if entry.get(language))
