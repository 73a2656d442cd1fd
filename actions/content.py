"""Access to the project's content files (data/) for actions: responses, intent labels, sources, resources.

Actions never hold answer text themselves; they pick responses and data entries and join them.
"""
from __future__ import annotations

import functools
import re
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


# Pages in French: the URL says so (/fr/, /fra/, lang=fr, …) or the site is French-language.
FRENCH_PAGE = re.compile(r"/(fr|fra|fr-CA|fr_CA)/|-fr\.aspx|lang=fr|[/.](santepubliqueottawa|virtulexavocats|ordrepsed|"
                         r"jeunessejecoute|rcmp-grc\.gc\.ca/fr)|988\.ca/fr|phsd\.ca/fr|laws\.justice\.gc\.ca/fra", re.I)


def is_french_page(url: str) -> bool:
    return bool(FRENCH_PAGE.search(url or ""))


def source_line(source_ids: Iterable[str], language: Optional[str] = "en") -> str:
    """'Source: <publisher> — <url>' for the first known id (titles in the registry are long; keep the part
    before the first dash, which names the publisher). In French: « Source : … », and « (en anglais) » after the
    publisher when the page is not in French."""
    for source_id in source_ids:
        source = sources().get(source_id)
        if source:
            publisher = source["title"].split(" – ")[0].strip()
            if language == "fr":
                note = "" if is_french_page(source["url"]) else " (en anglais)"
                return f"Source\u00a0: {publisher}{note} — {source['url']}"
            return f"Source: {publisher} — {source['url']}"
    return ""


MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December"],
          "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"]}


def readable_date(value: Optional[str], language: Optional[str] = "en") -> Optional[str]:
    """'2025-10-24' -> 'October 24, 2025' / '24 octobre 2025'; '2023-03' -> 'March 2023' / 'mars 2023';
    '2018' -> '2018'; None stays None."""
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")]
    names = MONTHS["fr" if language == "fr" else "en"]
    if len(parts) == 3:
        year, month, day = parts
        if language == "fr":
            return f"{day}{'er' if day == 1 else ''} {names[month - 1]} {year}"
        return f"{names[month - 1]} {day}, {year}"
    if len(parts) == 2:
        return f"{names[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def source_as_of(source_ids: Iterable[str], language: Optional[str] = "en") -> str:
    """'(source as of March 2023)' for the first known source — the date printed on the source itself, never the
    day the project was built; '(undated source)' when the source shows no date."""
    for source_id in source_ids:
        source = sources().get(source_id)
        if source:
            date = readable_date(source.get("as_of"), language)
            if language == "fr":
                return f"(source du {date})" if date else "(source non datée)"
            return f"(source as of {date})" if date else "(undated source)"
    return ""


def texts() -> Dict[str, Dict[str, Any]]:
    return load_data_file("texts.yml")["texts"]


def text(name: str, language: Optional[str] = "en", **values: Any) -> Any:
    """A text from data/texts.yml in the conversation's language (English when no translation exists yet),
    with {placeholders} filled from `values`."""
    entry = texts()[name]
    chosen = entry.get(language or "en", entry["en"])
    return chosen.format(**values) if values and isinstance(chosen, str) else chosen
