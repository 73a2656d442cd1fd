"""Provinces, territories and cities as the bot writes them (data/jurisdictions.yml, the one list of province
codes) and which province a city is in (the NLU gazetteer, data/patterns/places.yml — read here for that lookup
only, never for names)."""

from __future__ import annotations

from typing import Any

from gsdoa_content.files import load
from gsdoa_content.texts import in_language

JURISDICTIONS_FILE = "jurisdictions.yml"
GAZETTEER_FILE = "patterns/places.yml"
NATIONAL = "CA"  # the code of national (Canada-wide) entries in the resource directory


def _jurisdictions() -> dict[str, Any]:
    return load(JURISDICTIONS_FILE)


def provinces() -> tuple[str, ...]:
    """The 13 province and territory codes, in display order."""
    return tuple(_jurisdictions()["provinces"])


def province_name(code: str, language: str | None = "en") -> str:
    """'QC' -> 'Quebec' / 'Québec'."""
    return in_language(_jurisdictions()["provinces"][code], language)


def city_name(city: str, language: str | None = "en") -> str:
    """A city's name in `language` where data/jurisdictions.yml writes it differently (Québec City -> la ville de
    Québec), else the name as given."""
    key = city.strip().casefold()
    for name, names in (_jurisdictions().get("cities") or {}).items():
        if str(name).casefold() == key:
            return in_language(names, language)
    return city


def city_provinces() -> dict[str, list[str]]:
    """Canonical city name -> the province codes that have a city of that name (the gazetteer's cities)."""
    found: dict[str, list[str]] = {}
    for city in load(GAZETTEER_FILE).get("cities") or []:
        if isinstance(city, dict) and city.get("name") and city.get("province"):
            found.setdefault(str(city["name"]), []).append(str(city["province"]))
    return found
