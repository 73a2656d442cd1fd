"""Reading level of the bot's answers, for the content check (`tests/test_content.py`), the review pack and
`python -m ops.readability` (a table of every answer).

English: Flesch-Kincaid grade (US school grade). French: Flesch reading ease with Kandel & Moles' constants for
French (207 − 1.015 × words per sentence − 73.6 × syllables per word), shown with the matching school level from
Flesch's table, since there is no French grade formula in common use. Both from `textstat` (pinned; syllables
from pyphen's hyphenation dictionaries, nothing downloaded).

What is measured is what a person reads: the "Source:" line, links and list bullets are left out, and each list
line counts as a sentence (a phone shows it as one).
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any

SOURCE_LINE = re.compile(r"^\s*Source\s*\u00a0?:.*$", re.M)
URL = re.compile(r"https?://\S+")
BULLET = re.compile(r"^\s*(?:[•\-–*]|\d+[.)])\s*", re.M)
EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
# Grade-8 targets: Flesch-Kincaid ≤ 8 (English); reading ease ≥ 60 ("standard", grades 8–9) in French.
TARGET_GRADE_EN = 8.0
TARGET_EASE_FR = 60.0
# Flesch's table: reading ease -> school level.
EASE_BANDS = [
    (90, "very easy (grade 5)"),
    (80, "easy (grade 6)"),
    (70, "fairly easy (grade 7)"),
    (60, "standard (grades 8–9)"),
    (50, "fairly difficult (grades 10–12)"),
    (30, "difficult (college)"),
    (-1000, "very difficult (university)"),
]


@functools.cache
def _textstat(language: str):
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang("fr" if language == "fr" else "en_US")
    return stats


def reading_text(text: str) -> str:
    """The words a person reads: no source line, links, bullets or emoji; each line ends a sentence."""
    text = SOURCE_LINE.sub("", text)
    text = URL.sub("", text)
    text = EMOJI.sub("", text)
    text = BULLET.sub("", text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:;…" else line + "." for line in lines)


def band(ease: float) -> str:
    return next(label for floor, label in EASE_BANDS if ease >= floor)


def measure(text: str, language: str) -> dict[str, Any]:
    """{'ease', 'grade' (English only), 'band', 'meets_target', 'words'} for one answer."""
    stats = _textstat(language)
    plain = reading_text(text)
    ease = round(float(stats.flesch_reading_ease(plain)), 1)
    result: dict[str, Any] = {"ease": ease, "band": band(ease), "words": stats.lexicon_count(plain)}
    if language == "fr":
        result["grade"] = None
        result["meets_target"] = ease >= TARGET_EASE_FR
    else:
        result["grade"] = round(float(stats.flesch_kincaid_grade(plain)), 1)
        result["meets_target"] = result["grade"] <= TARGET_GRADE_EN
    return result


def level(result: dict[str, Any]) -> str:
    """'grade 6.2' (English) or 'ease 71 — fairly easy (grade 7)' (French), for tables."""
    if result.get("grade") is not None:
        return f"grade {result['grade']:.1f}"
    return f"ease {result['ease']:.0f} — {result['band']}"


def answers() -> list[dict[str, Any]]:
    """Every response variant with its language, kind and reading level (data/responses/)."""
    from ops.content_index import response_variants

    rows = []
    for item in response_variants():
        rows.append({**item, "reading": measure(item["text"], item["language"])})
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per language and kind: how many answers, how many meet the grade-8 target, the median level."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = f"{row['language']}/{row['kind']}"
        entry = out.setdefault(key, {"n": 0, "meets": 0, "values": []})
        entry["n"] += 1
        entry["meets"] += bool(row["reading"]["meets_target"])
        entry["values"].append(row["reading"]["grade"] if row["language"] == "en" else row["reading"]["ease"])
    for entry in out.values():
        values = sorted(entry.pop("values"))
        entry["median"] = values[len(values) // 2]
    return dict(sorted(out.items()))


def main() -> int:
    rows = answers()
    print(f"{'answer':44s} {'lang':4s} {'kind':8s} level")
    for row in sorted(rows, key=lambda r: (r["kind"], r["name"], r["language"])):
        print(
            f"{row['name'][:44]:44s} {row['language']:4s} {row['kind']:8s} {level(row['reading'])}"
            + ("" if row["reading"]["meets_target"] else "  (above grade 8)")
        )
    print("\nlanguage/kind         answers  at grade 8 or below  median (EN grade / FR ease)")
    for key, entry in summary(rows).items():
        print(f"{key:22s} {entry['n']:7d}  {entry['meets']:19d}  {entry['median']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
