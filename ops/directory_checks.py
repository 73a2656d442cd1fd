"""Checks and the coverage report for the harm-reduction resource directory (data/resources/directory.yml) —
dev tooling, run by `python -m ops.resources_report` and the tests; the bot itself only looks entries up and
formats them (actions/directory.py).

    validate(directory())      # [] when the file is consistent
    coverage_report()          # Markdown: entries per jurisdiction x kind, what needs attention, oldest sources
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from actions.directory import directory
from gsdoa_content import NATIONAL, city_provinces, provinces
from gsdoa_content.sources import sources

KINDS = (
    "emergency",
    "health_line",
    "naloxone",
    "supervised_consumption",
    "drug_checking",
    "harm_reduction_program",
    "addiction_helpline",
    "crisis_line",
    "overdose_line",
    "poison_centre",
    "app",
)
STATUSES = ("verified", "unverified", "not_found")
REQUIRED = ("id", "name", "kind", "jurisdiction", "description", "description_fr", "sources", "status")
OPTIONAL = (
    "name_fr",
    "city",
    "address",
    "phone",
    "text",
    "text_keyword",
    "text_keyword_fr",
    "url",
    "url_fr",
    "languages",
    "hours",
    "note",
    "verified_on",
)
# Every jurisdiction needs these kinds (harm_reduction_program may be an explicit `status: not_found` entry).
REQUIRED_KINDS = ("emergency", "health_line", "naloxone", "harm_reduction_program")

PHONE_FORMATS = (
    re.compile(r"1-\d{3}-\d{3}-\d{4}"),  # 1-888-688-6677
    re.compile(r"\d{3}-\d{3}-\d{4}"),  # 204-788-8200
    re.compile(r"9-1-1|911|8-1-1|811|9-8-8|988"),
)
LETTER_PHONE = re.compile(r"1-\d{3}-[A-Z0-9-]*[A-Z][A-Z0-9-]*")  # 1-866-APPELLE, 1-844-POISON-X
SHORT_CODE = re.compile(r"\d{5,6}")  # SMS short codes (686868), allowed in `text` only
KEYPAD = {
    letter: str(digit)
    for digit, letters in {2: "ABC", 3: "DEF", 4: "GHI", 5: "JKL", 6: "MNO", 7: "PQRS", 8: "TUV", 9: "WXYZ"}.items()
    for letter in letters
}
SNAKE_ID = re.compile(r"[a-z][a-z0-9_]*")


def jurisdictions() -> tuple[str, ...]:
    """The national code, then the provinces and territories (data/jurisdictions.yml)."""
    return (NATIONAL,) + provinces()


# ------------------------------------------------------------------ validation


def _phone_ok(value: Any, entry: dict[str, Any], field: str) -> str | None:
    """None when `value` is an accepted number for `field`, else the reason."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    if any(pattern.fullmatch(value) for pattern in PHONE_FORMATS):
        return None
    if field == "text" and SHORT_CODE.fullmatch(value):
        return None
    if LETTER_PHONE.fullmatch(value):
        digits = "".join(KEYPAD.get(ch, ch) for ch in value if ch != "-")
        if len(digits) != 11:
            return "letter number does not spell 11 digits"
        formatted = f"{digits[0]}-{digits[1:4]}-{digits[4:7]}-{digits[7:]}"
        others = [v for k, v in _strings(entry) if not (k == field and v == value)]
        if any(formatted in other for other in others):
            return None
        return f"letter number needs its digits ({formatted}) elsewhere in the entry"
    return "not an accepted format (1-NNN-NNN-NNNN, NNN-NNN-NNNN, 911/9-1-1, 811/8-1-1, 988/9-8-8)"


def _strings(entry: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for key, value in entry.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield key, item


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_iso_date(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(value))
        return True
    except ValueError:
        return False


def validate(directory_dict: dict[str, Any]) -> list[str]:
    """Human-readable problems in a directory dict ([] when it is fine)."""
    problems: list[str] = []
    if not isinstance(directory_dict, dict):
        return ["the directory must be a mapping with `verified_on`, `kinds` and `entries`"]
    if not _is_iso_date(directory_dict.get("verified_on")):
        problems.append(f"verified_on {directory_dict.get('verified_on')!r} is not an ISO date (YYYY-MM-DD)")
    kinds = directory_dict.get("kinds") or list(KINDS)
    for kind in kinds:
        if kind not in KINDS:
            problems.append(f"kinds: unknown kind {kind!r}")
    raw_entries = directory_dict.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        return problems + ["entries: must be a non-empty list"]
    registry = sources()
    cities = {name: set(codes) for name, codes in city_provinces().items()}
    seen_ids: Counter = Counter()
    coverage: dict[str, set] = {code: set() for code in provinces()}

    for position, entry in enumerate(raw_entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"entry #{position}: not a mapping")
            continue
        label = f"{entry.get('id') or f'entry #{position}'}"
        for field in REQUIRED:
            value = entry.get(field)
            if value is None or (isinstance(value, (str, list)) and not value):
                problems.append(f"{label}: missing required field `{field}`")
        for field in entry:
            if field not in REQUIRED and field not in OPTIONAL:
                problems.append(f"{label}: unknown field `{field}`")
        entry_id = entry.get("id")
        if entry_id:
            seen_ids[entry_id] += 1
            if not isinstance(entry_id, str) or not SNAKE_ID.fullmatch(entry_id):
                problems.append(f"{label}: id must be snake_case")
        kind = entry.get("kind")
        if kind is not None and kind not in kinds:
            problems.append(f"{label}: unknown kind {kind!r}")
        jurisdiction = entry.get("jurisdiction")
        if jurisdiction is not None and jurisdiction not in jurisdictions():
            problems.append(f'{label}: unknown jurisdiction {jurisdiction!r} (quote "ON": bare ON is a boolean)')
        status = entry.get("status")
        if status is not None and status not in STATUSES:
            problems.append(f"{label}: unknown status {status!r}")
        if status in ("unverified", "not_found") and not entry.get("note"):
            problems.append(f"{label}: status {status} needs a `note` saying why")
        if status == "not_found" and kind != "harm_reduction_program":
            problems.append(f"{label}: status not_found is only allowed for harm_reduction_program")
        source_ids = entry.get("sources")
        if source_ids is not None and not isinstance(source_ids, list):
            problems.append(f"{label}: sources must be a list of ids")
        else:
            for source_id in source_ids or []:
                if source_id not in registry:
                    problems.append(f"{label}: unknown source id {source_id!r} (not in data/sources.yml)")
        for field in ("phone", "text"):
            for number in _as_list(entry.get(field)):
                reason = _phone_ok(number, entry, field)
                if reason:
                    problems.append(f"{label}: bad {field} {number!r}: {reason}")
        for field in ("url", "url_fr"):
            url = entry.get(field)
            if url is not None and not (isinstance(url, str) and re.fullmatch(r"https?://\S+", url)):
                problems.append(f"{label}: {field} {url!r} must start with http:// or https://")
        city = entry.get("city")
        if city is not None:
            if jurisdiction == NATIONAL:
                problems.append(f"{label}: a national (CA) entry cannot have a city")
            elif jurisdiction not in cities.get(city, set()):
                problems.append(f"{label}: city {city!r} is not a {jurisdiction} city in data/patterns/places.yml")
        languages = entry.get("languages")
        if languages is not None and not (isinstance(languages, list) and all(isinstance(x, str) for x in languages)):
            problems.append(f"{label}: languages must be a list of language codes")
        if entry.get("text_keyword") and not entry.get("text"):
            problems.append(f"{label}: text_keyword without a `text` number")
        if entry.get("verified_on") is not None and not _is_iso_date(entry.get("verified_on")):
            problems.append(f"{label}: verified_on must be an ISO date")
        if jurisdiction in coverage and kind and (status != "not_found" or kind == "harm_reduction_program"):
            coverage[jurisdiction].add(kind)

    for entry_id, count in seen_ids.items():
        if count > 1:
            problems.append(f"{entry_id}: duplicate id ({count} entries)")
    for code in provinces():
        missing = [kind for kind in REQUIRED_KINDS if kind not in coverage[code]]
        if missing:
            problems.append(f"coverage: {code} has no {', '.join(missing)} entry")
    return problems


# ------------------------------------------------------------------ coverage report


def coverage_report(data: dict[str, Any] | None = None) -> str:
    """Markdown: entries per jurisdiction × kind, entries needing attention, and the entries whose first
    (shown) source is oldest."""
    data = data or directory()
    all_entries = data.get("entries") or []
    kinds = list(data.get("kinds") or KINDS)
    file_checked = str(data.get("verified_on") or "")
    counts: Counter = Counter()
    flagged: Counter = Counter()
    missing: set = set()
    for entry in all_entries:
        key = (entry.get("jurisdiction"), entry.get("kind"))
        if entry.get("status") == "not_found":
            missing.add(key)
            continue
        counts[key] += 1
        if entry.get("status") == "unverified":
            flagged[key] += 1

    placeholders = sum(entry.get("status") == "not_found" for entry in all_entries)
    short = {"harm_reduction_program": "harm_reduction", "supervised_consumption": "supervised_cons."}
    lines = [
        f"# Resource directory coverage (file checked {file_checked})",
        "",
        f"{len(all_entries)} entries ({placeholders} of them not-found placeholders). Cells: number of entries; "
        "`nf` = explicit not-found placeholder; "
        "`(n?)` = n of them unverified.",
        "",
        "| | " + " | ".join(short.get(k, k) for k in kinds) + " | total |",
        "|---|" + "---:|" * (len(kinds) + 1),
    ]
    for code in jurisdictions():
        cells = []
        for kind in kinds:
            n = counts[(code, kind)]
            cell = str(n) if n else ("nf" if (code, kind) in missing else "·")
            if flagged[(code, kind)]:
                cell += f" ({flagged[(code, kind)]}?)"
            cells.append(cell)
        total = sum(counts[(code, kind)] for kind in kinds)
        lines.append(f"| {code} | " + " | ".join(cells) + f" | {total} |")
    lines.append(
        "| total | "
        + " | ".join(str(sum(counts[(c, k)] for c in jurisdictions())) for k in kinds)
        + f" | {sum(counts.values())} |"
    )

    attention = [e for e in all_entries if e.get("status") in ("unverified", "not_found")]
    lines += ["", "## Unverified or not found", ""]
    lines += [
        f"- `{e.get('id')}` ({e.get('jurisdiction')}, {e.get('kind')}, {e.get('status')}): {e.get('note')}"
        for e in attention
    ] or ["- none"]
    caveats = [e for e in all_entries if e.get("status") == "verified" and e.get("note")]
    lines += ["", f"## Verified entries with a caveat note ({len(caveats)})", ""]
    lines += [f"- `{e.get('id')}` ({e.get('jurisdiction')}, {e.get('kind')}): {e.get('note')}" for e in caveats] or [
        "- none"
    ]

    registry = sources()
    dated: list[tuple[str, str, tuple]] = []
    undated: list[tuple[str, str, tuple]] = []
    for entry in all_entries:
        first = (entry.get("sources") or [None])[0]
        as_of = (registry.get(first) or {}).get("as_of")
        checked = str(entry.get("verified_on") or file_checked)
        row = (entry.get("id"), first, as_of, checked)
        (dated if as_of else undated).append((str(as_of or ""), checked, row))
    dated.sort(key=lambda item: (item[0], item[1]))
    lines += [
        "",
        "## Oldest first sources (10)",
        "",
        "Ranked by the date printed on each entry's first (linked) source (`as_of` in data/sources.yml, what "
        'users see as "source as of …"); re-check these first.',
        "",
        "| entry | first source | source as of | entry checked |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{row[0]}` | {row[1]} | {row[2]} | {row[3]} |" for _, _, row in dated[:10]]
    lines += ["", f"## First source shows no usable date ({len(undated)})", ""]
    lines += [", ".join(f"`{row[0]}` ({row[1]})" for _, _, row in undated) or "none"]
    return "\n".join(lines) + "\n"
