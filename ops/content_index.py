"""One index of everything the bot says, for the review pack and the readability report: each response variant
(data/responses/), each text (data/texts.yml), with its language, the other conditions that select it, its
sources and where it is used (rules, stories, the domain, actions, channels)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("actions", "gsdoa_nlu", "bot")


def load(relative: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8")) or {}


def _conditions(variant: dict[str, Any]) -> tuple[str, str]:
    """(language, the other conditions as 'slot=value, …')."""
    language, others = "en", []
    for condition in variant.get("condition") or []:
        if condition.get("name") == "language":
            language = condition.get("value") or "en"
        else:
            others.append(f"{condition.get('name')}={condition.get('value')}")
    return language, ", ".join(others)


def response_variants() -> list[dict[str, Any]]:
    """Every variant of every response: name, file, language, condition, text, buttons, sources, kind, checked."""
    rows = []
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name, variants in responses.items():
            for variant in variants:
                language, condition = _conditions(variant)
                metadata = variant.get("metadata") or {}
                rows.append(
                    {
                        "name": name,
                        "file": f"data/responses/{path.name}",
                        "language": language,
                        "condition": condition,
                        "text": variant.get("text", ""),
                        "buttons": [b.get("title", "") for b in variant.get("buttons") or []],
                        "sources": list(metadata.get("sources") or []),
                        "kind": metadata.get("kind", ""),
                        "verified_on": str(metadata.get("verified_on", "")),
                    }
                )
    return rows


def text_entries() -> list[dict[str, Any]]:
    """data/texts.yml: the texts actions and channels put together (verdicts, directory lines, channel notes)."""
    rows = []
    for name, entry in (load("data/texts.yml").get("texts") or {}).items():
        for language in ("en", "fr"):
            value = entry.get(language)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            text = "\n".join(v["title"] if isinstance(v, dict) else str(v) for v in values)
            rows.append(
                {
                    "name": f"texts.yml:{name}",
                    "file": "data/texts.yml",
                    "language": language,
                    "condition": "",
                    "text": text,
                    "buttons": [],
                    "sources": list(entry.get("sources") or []),
                    "kind": "text",
                    "verified_on": "",
                }
            )
    return rows


@functools.cache
def _usage_corpus() -> dict[str, str]:
    files = {}
    for pattern in ("data/rules/*.yml", "data/stories/*.yml", "data/*.yml"):
        for path in sorted(ROOT.glob(pattern)):
            files[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for directory in CODE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            files[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return files


def _rule_names(text: str, name: str) -> list[str]:
    """Titles of the rules/stories in a YAML file that run action `name`."""
    found = []
    for block in re.split(r"\n(?=- (?:rule|story): )", text):
        head = re.match(r"- (?:rule|story): (.+)", block.strip())
        if head and re.search(rf"action: {re.escape(name)}\s*$", block, re.M):
            found.append(head.group(1).strip())
    return found


def where_used(name: str) -> list[str]:
    """Where an answer is used: the intent that triggers it, the rules that run it, the code that sends it."""
    places: list[str] = []
    if name.startswith("utter_") and "/" in name:
        intent = name[len("utter_") :]
        base = intent.split("/")[0]
        places.append(f"intent {intent} (retrieval answer of utter_{base})")
        name_for_rules = f"utter_{base}"
    elif name.startswith("texts.yml:"):
        key = name.split(":", 1)[1]
        for path, text in _usage_corpus().items():
            if path.endswith(".py") and re.search(rf"[\"']{re.escape(key)}[\"']", text):
                places.append(f"code {path}")
        return places or ["(not referenced by name — built by key in code)"]
    else:
        name_for_rules = name
    if name.startswith("utter_ask_"):
        slot = name[len("utter_ask_") :]
        for form, spec in (load("domain.yml").get("forms") or {}).items():
            if slot in ((spec or {}).get("required_slots") or []):
                places.append(f"form {form}: the question for slot {slot}")
    for path, text in _usage_corpus().items():
        if path.endswith(".yml"):
            for title in _rule_names(text, name_for_rules):
                places.append(f"{'rule' if 'rules' in path else 'story'} “{title}” ({path})")
        elif re.search(rf"[\"']{re.escape(name)}[\"']", text):
            places.append(f"code {path}")
    return places
