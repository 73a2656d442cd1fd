"""The harm-reduction resource directory (data/resources/directory.yml) at run time: lookup and reply blocks.
Logic only — the facts live in the YAML file (written from data/knowledge/gsdoa-facts.md), the words of a reply
block in data/texts.yml (`entry_*`) and data/resources/topics.yml (`hours`). Checking the file and the coverage
report are dev tooling: ops/directory_checks.py (`python -m ops.resources_report`).

    entries(kind="naloxone", province="MB", city="Winnipeg")   # Winnipeg entries, then Manitoba, then national
    format_entry(entry, "fr")                                  # one short block for a chat reply
"""

from __future__ import annotations

from typing import Any

from gsdoa_content import NATIONAL, city_provinces, in_language, load, text
from gsdoa_content.sources import source_as_of, source_line

DIRECTORY_FILE = "resources/directory.yml"


# ------------------------------------------------------------------ loading and lookup


def directory() -> dict[str, Any]:
    """The parsed directory file (read once by gsdoa_content)."""
    return load(DIRECTORY_FILE)


def _city_key(city: str | None) -> str | None:
    return city.strip().casefold() if isinstance(city, str) and city.strip() else None


def _provinces_of_city(city: str) -> list[str]:
    key = _city_key(city)
    return [code for name, codes in city_provinces().items() if _city_key(name) == key for code in codes]


def entries(
    kind: str | None = None,
    province: str | None = None,
    city: str | None = None,
    include_national: bool = True,
    include_missing: bool = False,
    data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Entries for a place, most local first: that city's entries → the province's (province-wide ones, then,
    when no city is given, its city-specific ones) → national ones. Without a province or city: every
    provincial entry in file order, then national. `not_found` placeholders only with include_missing=True."""
    items = [
        e
        for e in (data or directory()).get("entries") or []
        if (kind is None or e.get("kind") == kind) and (include_missing or e.get("status") != "not_found")
    ]
    province = str(province).upper() if province else None
    city_key = _city_key(city)
    if city and city_key and not province:
        found = _provinces_of_city(city)
        province = found[0] if len(found) == 1 else None
    national = [e for e in items if e.get("jurisdiction") == NATIONAL] if include_national else []
    if not province and not city_key:
        return [e for e in items if e.get("jurisdiction") != NATIONAL] + national

    def in_province(entry: dict[str, Any]) -> bool:
        return province is None or entry.get("jurisdiction") == province

    city_entries = [
        e
        for e in items
        if city_key and _city_key(e.get("city")) == city_key and in_province(e) and e.get("jurisdiction") != NATIONAL
    ]
    wide = [e for e in items if province and e.get("jurisdiction") == province and not _city_key(e.get("city"))]
    other_cities = [
        e for e in items if province and not city_key and e.get("jurisdiction") == province and _city_key(e.get("city"))
    ]
    return city_entries + wide + other_cities + national


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ------------------------------------------------------------------ reply blocks


def hours_text(hours: str, language: str | None = "en") -> str:
    """Opening hours in `language` (topics.yml `hours`), or as written in the directory."""
    names = (load("resources/topics.yml").get("hours") or {}).get(hours)
    return in_language(names, language) if names else hours


def format_entry(entry: dict[str, Any], language: str | None = "en", compact: bool = False) -> str:
    """A short block for a chat reply: name, description, phone/text/web lines, then the source line with the date
    printed on that source ("source as of …"). Unverified and not-found entries say so on the first line.
    `compact` leaves out the description (a national entry shown because the place has none of its own)."""
    language = "fr" if language == "fr" else "en"
    fr = language == "fr"
    name = (entry.get("name_fr") or entry["name"]) if fr else entry["name"]
    status = entry.get("status")
    flag = text(f"entry_{status}", language) if status in ("unverified", "not_found") else None
    lines = [f"{name} — {flag}" if flag else name]
    if not compact:
        lines.append(entry.get("description_fr") if fr else entry.get("description"))
    if entry.get("address"):
        lines.append(text("entry_address", language, address=entry["address"]))
    phones = _as_list(entry.get("phone"))
    if phones:
        lines.append(text("entry_phone", language, phone=" / ".join(phones)))
    if entry.get("text"):
        keyword = (entry.get("text_keyword_fr") or entry.get("text_keyword")) if fr else entry.get("text_keyword")
        if keyword:
            lines.append(text("entry_text_keyword", language, keyword=keyword, number=entry["text"]))
        else:
            lines.append(text("entry_text", language, number=entry["text"]))
    if entry.get("hours"):
        lines.append(text("entry_hours", language, hours=hours_text(entry["hours"], language)))
    url = (entry.get("url_fr") or entry.get("url")) if fr else entry.get("url")
    source = source_line(entry.get("sources") or [], language)
    if url and url not in source:
        lines.append(text("entry_url", language, url=url))
    if source:
        lines.append(f"{source} {source_as_of(entry.get('sources') or [], language)}")
    return "\n".join(line for line in lines if line)
