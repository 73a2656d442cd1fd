"""The source registry (data/sources.yml) and the lines that cite a source in a reply: "Source: <publisher> —
<url>" and "(source as of <the date printed on the source>)". The words come from data/texts.yml."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gsdoa_content.files import load
from gsdoa_content.texts import text

# Pages in French: the URL says so (/fr/, /fra/, lang=fr, …) or the site is French-language.
FRENCH_PAGE = re.compile(
    r"/(fr|fra|fr-CA|fr_CA)/|-fr\.aspx|lang=fr|[/.](santepubliqueottawa|virtulexavocats|ordrepsed|"
    r"jeunessejecoute|rcmp-grc\.gc\.ca/fr)|988\.ca/fr|phsd\.ca/fr|laws\.justice\.gc\.ca/fra",
    re.I,
)


def sources() -> dict[str, dict[str, str]]:
    return load("sources.yml")["sources"]


def is_french_page(url: str) -> bool:
    return bool(FRENCH_PAGE.search(url or ""))


def source_line(source_ids: Iterable[str], language: str | None = "en") -> str:
    """'Source: <publisher> — <url>' for the first known id (titles in the registry are long; keep the part
    before the first dash, which names the publisher). In French, « (en anglais) » after the publisher when the
    page is not in French."""
    for source_id in source_ids:
        source = sources().get(source_id)
        if source:
            publisher = source["title"].split(" – ")[0].strip()
            english_page = language == "fr" and not is_french_page(source["url"])
            return text(
                "source_line_english_page" if english_page else "source_line",
                language,
                publisher=publisher,
                url=source["url"],
            )
    return ""


def readable_date(value: str | None, language: str | None = "en") -> str | None:
    """'2025-10-24' -> 'October 24, 2025' / '24 octobre 2025'; '2023-03' -> 'March 2023' / 'mars 2023';
    '2018' -> '2018'; None stays None."""
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")]
    names = text("months", language)
    if len(parts) == 3:
        year, month, day = parts
        return text("date_day", language, day=day, first="er" if day == 1 else "", month=names[month - 1], year=year)
    if len(parts) == 2:
        return text("date_month", language, month=names[parts[1] - 1], year=parts[0])
    return str(parts[0])


def source_as_of(source_ids: Iterable[str], language: str | None = "en") -> str:
    """'(source as of March 2023)' for the first known source — the date printed on the source itself, never the
    day the project was built; '(undated source)' when the source shows no date."""
    for source_id in source_ids:
        source = sources().get(source_id)
        if source:
            date = readable_date(source.get("as_of"), language)
            return text("source_as_of", language, date=date) if date else text("source_undated", language)
    return ""
