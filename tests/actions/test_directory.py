"""The harm-reduction resource directory: the real file is consistent and sourced, validate() catches each kind
of problem, lookup order is local → provincial → national, and reply blocks carry their source."""

from __future__ import annotations

import copy
import re

import pytest

from actions.content import readable_date, source_as_of, sources
from actions.directory import directory, entries, format_entry
from gsdoa_content import provinces
from ops.directory_checks import REQUIRED_KINDS, coverage_report, validate
from tests.support.repo import ROOT

FACTS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "knowledge").glob("*.md")))
# Phone-like strings in free text: 10/11-digit numbers (with or without parentheses) and letter numbers.
PHONE_IN_TEXT = re.compile(
    r"(?<![\w-])(?:1-)?\(?\d{3}\)?[- ]\d{3}-\d{4}(?![\w-])|(?<![\w-])1-\d{3}-[A-Z]{4,7}(?:-[A-Z])?"
)
URL_IN_TEXT = re.compile(r"https?://[^\s)\"']+")
PROVINCES = provinces()  # data/jurisdictions.yml


def real_entries():
    return directory()["entries"]


def by_id(entry_id):
    return next(e for e in real_entries() if e["id"] == entry_id)


def numbers(entry):
    for field in ("phone", "text"):
        value = entry.get(field)
        yield from value if isinstance(value, list) else [value] if value else []


# ------------------------------------------------------------------ hand-made directories for validate()


def entry(entry_id, kind, jurisdiction, **extra):
    base = {
        "id": entry_id,
        "name": entry_id.replace("_", " "),
        "kind": kind,
        "jurisdiction": jurisdiction,
        "description": "d",
        "description_fr": "d",
        "sources": ["S13"],
        "status": "verified",
    }
    base.update(extra)
    return base


def minimal_directory():
    """A directory that passes validate(): every jurisdiction has the four required kinds."""
    items = []
    for code in PROVINCES:
        low = code.lower()
        items += [
            entry(f"{low}_emergency", "emergency", code, phone="911"),
            entry(f"{low}_health", "health_line", code, phone="8-1-1"),
            entry(f"{low}_naloxone", "naloxone", code),
            entry(f"{low}_hr", "harm_reduction_program", code),
        ]
    items.append(entry("nors", "overdose_line", "CA", phone="1-888-688-6677", url="https://example.org/"))
    return {"verified_on": "2026-11-28", "kinds": list(directory()["kinds"]), "entries": items}


def problems_after(change):
    data = minimal_directory()
    change(data["entries"])
    return validate(data)


def test_minimal_directory_is_valid():
    assert validate(minimal_directory()) == []


# One change to a valid directory, and the one problem validate() must report for it.
ONE_PROBLEM = [
    pytest.param(-1, {"phone": "1-888-6886677"}, "bad phone", id="bad_phone"),
    pytest.param(-1, {"phone": "1-888-688-NORS"}, "1-888-688-6677", id="letter_number_without_its_digits"),
    pytest.param(0, {"sources": ["S13", "S9999"]}, "S9999", id="unknown_source"),
    pytest.param(2, {"status": "unverified"}, "needs a `note`", id="unverified_without_note"),
    pytest.param(-1, {"kind": "hotline"}, "unknown kind 'hotline'", id="unknown_kind"),
]
# Changes that keep the directory valid.
NO_PROBLEM = [
    pytest.param(-1, {"phone": ["1-888-688-NORS", "1-888-688-6677"]}, id="letter_number_with_its_digits"),
    pytest.param(
        -1,
        {"phone": "1-866-APPELLE", "description": "Call 1-866-APPELLE (1-866-277-3553)."},
        id="letter_number_with_its_digits_in_the_description",
    ),
    pytest.param(2, {"status": "unverified", "note": "Only an anecdotal source."}, id="unverified_with_a_note"),
    pytest.param(
        3,
        {"status": "not_found", "note": "no provincial harm-reduction page found in our sources"},
        id="harm_reduction_not_found",
    ),
]


@pytest.mark.parametrize("index, fields, expected", ONE_PROBLEM)
def test_validate_catches_the_one_problem(index, fields, expected):
    problems = problems_after(lambda items: items[index].update(fields))
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("index, fields", NO_PROBLEM)
def test_validate_accepts(index, fields):
    assert problems_after(lambda items: items[index].update(fields)) == []


def test_validate_catches_missing_coverage():
    def change(items):
        items[:] = [e for e in items if e["id"] != "nu_emergency"]

    problems = problems_after(change)
    assert problems == ["coverage: NU has no emergency entry"], problems


def test_not_found_counts_for_harm_reduction_only():
    def naloxone_not_found(items):
        items[2].update(status="not_found", note="none found")

    problems = problems_after(naloxone_not_found)
    assert any("only allowed for harm_reduction_program" in p for p in problems), problems
    assert "coverage: BC has no naloxone entry" in problems, problems


def test_validate_catches_duplicate_id():
    def change(items):
        items.append(copy.deepcopy(items[-1]))

    problems = problems_after(change)
    assert len(problems) == 1 and "duplicate id" in problems[0], problems


def test_validate_catches_bad_url_scheme():
    def change(items):
        items[-1]["url"] = "ftp://example.org/naloxone"

    problems = problems_after(change)
    assert len(problems) == 1 and "must start with http" in problems[0], problems


def test_validate_catches_missing_fields_unknown_jurisdiction_and_bad_city():
    def change(items):
        del items[0]["description_fr"]
        items[-1]["jurisdiction"] = True  # what bare `ON` becomes in YAML
        items[4]["city"] = "Winnipeg"  # items[4] is AB

    problems = problems_after(change)
    assert any("missing required field `description_fr`" in p for p in problems), problems
    assert any("unknown jurisdiction True" in p for p in problems), problems
    assert any("'Winnipeg' is not a AB city" in p for p in problems), problems

    def right_city(items):
        items[4].update(jurisdiction="MB", city="Winnipeg", kind="drug_checking")

    assert not [p for p in problems_after(right_city) if "city" in p]


# ------------------------------------------------------------------ the real file


def test_real_directory_is_valid():
    assert validate(directory()) == []


@pytest.mark.parametrize("province", PROVINCES)
def test_every_jurisdiction_has_emergency_health_line_and_naloxone(province):
    kinds = {e["kind"] for e in real_entries() if e["jurisdiction"] == province and e["status"] != "not_found"}
    assert {"emergency", "health_line", "naloxone"} <= kinds, province
    assert any(e["kind"] == "harm_reduction_program" for e in real_entries() if e["jurisdiction"] == province)
    assert set(REQUIRED_KINDS) - {"harm_reduction_program"} <= kinds


def test_nunavut_emergency_does_not_claim_911():
    (nunavut,) = [e for e in real_entries() if e["jurisdiction"] == "NU" and e["kind"] == "emergency"]
    assert not nunavut.get("phone") and not nunavut.get("text")
    for field in ("name", "name_fr", "description", "description_fr"):
        value = nunavut.get(field) or ""
        for match in re.finditer(r"9-?1-?1", value):
            before = value[max(0, match.start() - 40) : match.start()].lower()
            assert re.search(r"\b(not|no|n'a pas|pas de)\b", before), (field, value)
    assert "health centre" in nunavut["description"] and "centre de santé" in nunavut["description_fr"]


def test_every_phone_number_is_verbatim_in_the_fact_base():
    for item in real_entries():
        for number in numbers(item):
            assert number in FACTS, (item["id"], number)
        for field in ("description", "description_fr", "note"):
            for number in PHONE_IN_TEXT.findall(item.get(field) or ""):
                assert number in FACTS, (item["id"], field, number)


def test_every_link_is_verbatim_in_the_fact_base():
    for item in real_entries():
        for field in ("url", "url_fr"):
            if item.get(field):
                assert item[field] in FACTS, (item["id"], field)
        for field in ("description", "description_fr"):
            for url in URL_IN_TEXT.findall(item.get(field) or ""):
                assert url.rstrip(".,") in FACTS, (item["id"], url)


def test_descriptions_are_short_and_bilingual():
    for item in real_entries():
        assert len(item["description"]) <= 350, item["id"]
        assert len(item["description_fr"]) <= 350, item["id"]
        assert item["description"] != item["description_fr"], item["id"]
        assert not re.search(r"\b\d+([.,]\d+)?\s?(mg|mcg|µg|ml|mL)\b", item["description"] + item["description_fr"])


def test_official_french_names_are_used():
    assert by_id("nors")["name_fr"].startswith("Service national d'intervention en cas de surdose")
    assert by_id("crisis_988")["name_fr"] == "9-8-8\u00a0: Ligne d'aide en cas de crise de suicide"
    assert by_id("kids_help_phone")["name_fr"] == "Jeunesse, J'écoute"
    assert by_id("hope_for_wellness")["name_fr"] == "Ligne d'écoute d'espoir pour le mieux-être"  # Canada, 2022
    assert by_id("qc_health_line")["name_fr"] == "Info-Santé / Info-Social 811"


def test_unverified_items_stay_out():
    manitoba = by_id("mb_health_line")
    assert "8-1-1" not in manitoba["phone"] and "811" not in manitoba["phone"] and "811" in manitoba["note"]
    assert "French" in by_id("nors")["note"]
    nunavut_health = by_id("nu_health_line")
    assert "No 811" in nunavut_health["description"]


def test_988_mentions_quebec_routing():
    crisis = by_id("crisis_988")
    assert "1-866-APPELLE" in crisis["description"] and "1-866-277-3553" in crisis["description"]
    assert "1-866-APPELLE" in crisis["description_fr"]


# ------------------------------------------------------------------ lookup order


def test_entries_order_city_then_province_then_national():
    found = entries(province="MB", city="Winnipeg")
    places = [
        ("city" if e.get("city") else "province") if e["jurisdiction"] == "MB" else e["jurisdiction"] for e in found
    ]
    assert places[0] == "city" and found[0]["id"] == "street_connections_winnipeg"
    assert places == sorted(places, key=["city", "province", "CA"].index)
    assert "province" in places and "CA" in places


def test_entries_filters_kind_other_cities_and_missing():
    naloxone = entries(kind="naloxone", province="BC")
    assert {e["kind"] for e in naloxone} == {"naloxone"}
    assert naloxone[-1]["jurisdiction"] == "CA"
    assert not any(e.get("city") == "Winnipeg" for e in entries(province="MB", city="Brandon"))
    assert entries(province="MB", city="Brandon")[0]["jurisdiction"] == "MB"
    assert all(e["jurisdiction"] == "NU" for e in entries(province="nu", include_national=False))
    assert not any(e["status"] == "not_found" for e in entries(province="NU"))
    assert any(e["status"] == "not_found" for e in entries(province="NU", include_missing=True))
    # a city alone finds its province
    assert entries(city="Whitehorse")[0]["city"] == "Whitehorse"
    assert any(e["id"] == "yt_emergency" for e in entries(city="Whitehorse"))


# ------------------------------------------------------------------ reply blocks and report


@pytest.mark.parametrize("entry_id", ["nors", "qc_health_line", "nu_emergency", "street_connections_winnipeg"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_format_entry_includes_the_source_link(entry_id, language):
    item = by_id(entry_id)
    block = format_entry(item, language)
    assert sources()[item["sources"][0]]["url"] in block
    assert len(block) <= 1000
    if language == "fr":
        assert block.startswith(item["name_fr"]) and item["description_fr"] in block
        assert re.search(r"\((source du \d|source non datée)", block)
    else:
        assert block.startswith(item["name"]) and item["description"] in block
        assert re.search(r"\((source as of \w|undated source)", block)
        assert "2026-11-28" not in block and "2026-11-30" not in block  # never the day the project was built


def test_format_entry_shows_numbers_and_flags_unverified():
    block = format_entry(by_id("kids_help_phone"))
    assert "Phone: 1-800-668-6868" in block and "Text: CONNECT to 686868" in block
    flagged = dict(by_id("nb_naloxone"), status="unverified")
    assert "⚠️ not verified" in format_entry(flagged).splitlines()[0]
    assert "⚠️ non vérifié" in format_entry(flagged, "fr").splitlines()[0]
    assert "⚠️" in format_entry(by_id("nu_harm_reduction"))


def test_every_entry_formats_within_a_phone_screen():
    for item in real_entries():
        for language in ("en", "fr"):
            assert len(format_entry(item, language)) <= 1000, (item["id"], language)


def test_dates_shown_are_the_sources_own_dates():
    """ "Source as of …" comes from the first source's `as_of` (the date printed on it), in the reply's language."""
    item = by_id("kids_help_phone")
    first = sources()[item["sources"][0]]
    expected = readable_date(first["as_of"]) if first["as_of"] else None
    block = format_entry(item)
    assert (f"(source as of {expected})" if expected else "(undated source)") in block
    assert readable_date("2025-10-24") == "October 24, 2025"
    assert readable_date("2023-03", "fr") == "mars 2023"
    assert readable_date("2024-07-01", "fr") == "1er juillet 2024"
    assert source_as_of(["S88"]) == "(source as of 2013)"  # an old source says so
    assert source_as_of(["S115"], "fr") == "(source non datée)"


def test_coverage_report_has_every_jurisdiction_and_the_oldest_sources():
    report = coverage_report()
    for code in ("CA",) + PROVINCES:
        assert f"| {code} |" in report
    assert "## Oldest first sources (10)" in report
    oldest = report.split("## Oldest first sources (10)")[1].split("##")[0]
    assert len([line for line in oldest.splitlines() if line.startswith("| `")]) == 10
    assert "`nu_harm_reduction`" in report  # listed as not found
