"""Create data/sources.yml from the numbered source lists of the fact bases in data/knowledge/.

    python scripts/import_sources.py > data/sources.yml

- gsdoa-facts.md (the shared fact base): sources "12. Publisher – Title — URL — date" become S12;
- first-response-and-2026-updates.md (its companion): sources "3. R3. Publisher – Title – URL – date" become R3;
- project-additions.md (sources the project found itself, same format as the companion): "P4. …" become P4.

Ids follow each file's numbering, so every answer's `metadata.sources` traces back to the fact lines that cite the
same numbers. `shown` is the date printed on the stored copy of the source (free text, as the fact base gives it);
`as_of` is that date in a form the bot can show ("2025-10-24", "2023-03", "2018", or null when the source shows no
date) — replies say "source as of …", never the date the project was built.
"""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Iterator
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parent.parent / "data" / "knowledge"
FACT_BASE = re.compile(r"^(\d+)\. (.+?) — (https?://\S+) — (.+)$")
COMPANION = re.compile(r"^\d+\. ([RP]\d+)\. (.+?) – (?:stored via )?(https?://\S+) – (.+)$")
ADDITIONS = re.compile(r"^- ([P]\d+)\. (.+?) – (https?://\S+) – (.+)$")
# Sources of each file were read from stored copies no later than this (newest date the file reports).
READ_BY = {
    "gsdoa-facts.md": datetime.date(2026, 1, 31),
    "first-response-and-2026-updates.md": datetime.date(2026, 3, 31),
    "project-additions.md": datetime.date(2026, 11, 30),
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MOIS = ["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"]


def as_of(shown: str, read_by: datetime.date) -> str | None:
    """The first date in `shown` that isn't after the day the copy was read ('Oct 24, 2025' -> '2025-10-24',
    'Jan 2023' -> '2023-01', '2018' -> '2018'); None for 'no date shown' and for dates that are only mentioned
    ('refers to …', 'deadline of …')."""
    updated = re.search(r"last updated (.*)", shown, re.I)  # "data Jan 2016–June 2024, last updated 2024-12-23"
    text = updated[1] if updated else shown
    text = re.sub(
        r"\b(refers to|refers|deadline of|next review due|cites|mentions|announcement|data to|latest entry)"
        r"\b.*",
        "",
        text,
        flags=re.I,
    )
    found = []
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        found.append((m.start(), (int(m[1]), int(m[2]), int(m[3]))))
    for m in re.finditer(r"\b(\d{4})-(\d{2})\b(?!-)", text):
        found.append((m.start(), (int(m[1]), int(m[2]), 0)))
    for m in re.finditer(r"\b(\d{1,2})/(\d{2})/(\d{4})\b", text):  # 11/08/2022 (US style in one source)
        found.append((m.start(), (int(m[3]), int(m[1]), int(m[2]))))
    for m in re.finditer(r"\b(\d{1,2})?\s*([A-Za-zéû]{3,})\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})\b", text):
        word = m[2].lower()
        month = next((i + 1 for i, name in enumerate(MONTHS) if word.startswith(name)), None)
        month = month or next((i + 1 for i, name in enumerate(MOIS) if word.startswith(name)), None)
        if month:
            day = int(m[3] or m[1] or 0)
            found.append((m.start(), (int(m[4]), month, day)))
    for m in re.finditer(r"(?<![\d-])((?:19|20)\d{2})(?![\d-])", text):
        found.append((m.start(), (int(m[1]), 0, 0)))
    best = None
    for _, (year, month, day) in sorted(found, key=lambda f: (f[0], -sum(1 for p in f[1] if p))):
        try:
            date = datetime.date(year, month or 1, day or 1)
        except ValueError:
            continue
        if date <= read_by:
            best = (year, month, day)
            break
    if best is None:
        return None
    year, month, day = best
    return f"{year:04d}-{month:02d}-{day:02d}" if day else f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def sources() -> Iterator[tuple[str, str, str, str, str]]:
    """(id, title, url, shown, file) for every numbered source of the knowledge files."""
    for line in (KNOWLEDGE / "gsdoa-facts.md").read_text(encoding="utf-8").splitlines():
        m = FACT_BASE.match(line.strip())
        if m:
            yield f"S{m[1]}", m[2], m[3], m[4], "gsdoa-facts.md"
    for name, pattern in (("first-response-and-2026-updates.md", COMPANION), ("project-additions.md", ADDITIONS)):
        path = KNOWLEDGE / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            m = pattern.match(line.strip())
            if m:
                yield m[1], m[2], m[3], m[4], name


def main() -> None:
    def q(s: str) -> str:  # a YAML double-quoted string
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    print("# Source registry: every answer's metadata.sources lists ids from here.")
    print("# Generated by scripts/import_sources.py from data/knowledge/*.md (their numbered source lists):")
    print("# S = gsdoa-facts.md, R = first-response-and-2026-updates.md, P = project-additions.md.")
    print("# `shown` is the date printed on the stored copy of the source; `as_of` is that date as the bot shows it")
    print('# ("source as of …"), null when the source shows none.')
    print("sources:")
    for source_id, title, url, shown, file in sources():
        date = as_of(shown, READ_BY[file])
        print(
            f"  {source_id}: {{title: {q(title)}, url: {q(url)}, shown: {q(shown)}, "
            f"as_of: {q(date) if date else 'null'}}}"
        )


if __name__ == "__main__":
    main()
    sys.exit(0)
