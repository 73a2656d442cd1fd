"""Load the YAML pattern files under data/patterns and compile them for spaCy.

Two consumers:
- the spaCy pipeline builder (EntityRuler patterns for places, substances, legal situations);
- the SafetyNets Rasa component (Matcher patterns written in a small token mini-language, documented at the top
  of data/patterns/emergency.yml, matched on each token's normalized form `NORM`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gsdoa_nlu.text import normalize_token

_OPTIONAL_RUN = re.compile(r"^_\{0,(\d+)\}$")


def load_yaml(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


# ---------------------------------------------------------------------------------------------------------
# Emergency Matcher mini-language
# ---------------------------------------------------------------------------------------------------------
class PatternError(ValueError):
    """A pattern string in data/patterns/emergency.yml can't be compiled."""


def _token_spec(raw: str, sets: dict[str, list[str]]) -> list[dict[str, Any]]:
    optional = raw.endswith("?") and len(raw) > 1
    word = raw[:-1] if optional else raw
    run = _OPTIONAL_RUN.match(word)
    if run:
        count = int(run.group(1))
        if not 1 <= count <= 12:
            raise PatternError(f"optional run {raw!r} must be _{{0,1..12}}")
        return [{"OP": "?"} for _ in range(count)]
    if word == "_":
        spec: dict[str, Any] = {}
    elif word.startswith("@"):
        name = word[1:]
        if name not in sets:
            raise PatternError(f"unknown set {word!r}")
        spec = {"NORM": {"IN": [normalize_token(str(w)) for w in sets[name]]}}
    elif word.startswith("~") and len(word) > 1:
        spec = {"LEMMA": {"IN": [w.lower() for w in word[1:].split("|") if w]}}
    elif len(word) > 2 and word.startswith("/") and word.endswith("/"):
        regex = word[1:-1]
        re.compile(regex)
        spec = {"NORM": {"REGEX": f"^(?:{regex})$"}}
    else:
        options = [w for w in word.split("|") if w]
        if not options:
            raise PatternError(f"empty token in {raw!r}")
        options = [normalize_token(o) for o in options]
        spec = {"NORM": options[0]} if len(options) == 1 else {"NORM": {"IN": options}}
    if optional:
        spec = dict(spec, OP="?")
    return [spec]


def compile_matcher_pattern(text: str, sets: dict[str, list[str]]) -> list[dict[str, Any]]:
    """'@NEG _ wake|waking' -> a spaCy Matcher token pattern (list of token dicts)."""
    tokens: list[dict[str, Any]] = []
    for raw in str(text).split():
        tokens.extend(_token_spec(raw, sets))
    if not tokens or all(t.get("OP") == "?" for t in tokens):
        raise PatternError(f"pattern {text!r} has no required token")
    if tokens[0].get("OP") == "?" and tokens[0].keys() == {"OP"}:
        raise PatternError(f"pattern {text!r} must not start with an optional wildcard")
    return tokens


CONTEXT_PREFIX = "context:"
CONTEXT_KINDS = ("not_now", "now", "resolved")


def compile_emergency_patterns(spec: dict[str, Any]) -> dict[str, list[list[dict[str, Any]]]]:
    """All patterns of an emergency.yml document, grouped by their rule id; the context patterns under
    'context:not_now', 'context:now' and 'context:resolved'."""
    sets = {name: list(words) for name, words in (spec.get("sets") or {}).items()}
    compiled: dict[str, list[list[dict[str, Any]]]] = {}
    for rule_id, texts in (spec.get("patterns") or {}).items():
        compiled[rule_id] = [compile_matcher_pattern(t, sets) for t in texts]
    if not compiled:
        raise PatternError("no emergency patterns found")
    for kind, texts in (spec.get("context") or {}).items():
        if kind not in CONTEXT_KINDS:
            raise PatternError(f"unknown context kind {kind!r} (expected one of {CONTEXT_KINDS})")
        compiled[CONTEXT_PREFIX + kind] = [compile_matcher_pattern(t, sets) for t in texts]
    return compiled


# ---------------------------------------------------------------------------------------------------------
# EntityRuler patterns
# ---------------------------------------------------------------------------------------------------------
CASE_SENSITIVE_MARK = "#cs"


def split_entity_id(ent_id: str) -> tuple:
    """'BC#cs' -> ('BC', True): the id of an EntityRuler match, and whether a case-sensitive alias made it."""
    if ent_id.endswith(CASE_SENSITIVE_MARK):
        return ent_id[: -len(CASE_SENSITIVE_MARK)], True
    return ent_id, False


def _phrase_or_tokens(label: str, alias: str, ent_id: str, case_sensitive: bool, tokenize) -> list[dict[str, Any]]:
    """Patterns for one alias. Case-insensitive aliases are matched on LOWER, but spaCy tokenises "B.C." and
    "b.c." differently, so the alias is also added as typed, Title Cased and UPPER CASED. A case-sensitive alias
    ("ON", "Hope") carries the mark in its id, so the annotator knows to trust it only in normal-case text."""
    if case_sensitive:
        return [{"label": label, "id": ent_id + CASE_SENSITIVE_MARK, "pattern": [{"ORTH": t} for t in tokenize(alias)]}]
    variants = dict.fromkeys([alias.lower(), alias, alias.title(), alias.upper()])
    return [{"label": label, "id": ent_id, "pattern": v} for v in variants]


def place_patterns(places: dict[str, Any], tokenize) -> list[dict[str, Any]]:
    """EntityRuler patterns for provinces (id = province code), cities (id = 'city:<Name>|<CODE>') and places
    outside Canada (label foreign_place, id = name)."""
    patterns = []
    for code, info in (places.get("provinces") or {}).items():
        names = {info["name"], info.get("name_fr", info["name"]), *info.get("aliases", [])}
        for alias in sorted(names):
            patterns += _phrase_or_tokens("province", alias, code, False, tokenize)
        for alias in info.get("case_sensitive_aliases", []):
            patterns += _phrase_or_tokens("province", alias, code, True, tokenize)
    for city in places.get("cities") or []:
        ent_id = f"city:{city['name']}|{city['province']}"
        case_sensitive = bool(city.get("case_sensitive"))
        names = set(city.get("aliases", [])) or {city["name"]}
        if not case_sensitive:
            names.add(city["name"])
        for alias in sorted(names):
            patterns += _phrase_or_tokens("city", alias, ent_id, case_sensitive, tokenize)
    for place in places.get("foreign") or []:
        for alias in sorted({place["name"].lower(), *place.get("aliases", [])}):
            patterns += _phrase_or_tokens("foreign_place", alias, place["name"], False, tokenize)
    return patterns


def term_patterns(doc: dict[str, Any], label: str, tokenize) -> list[dict[str, Any]]:
    """EntityRuler patterns for a `terms:` file: {canonical: [aliases…]} -> label with id=canonical."""
    patterns = []
    for canonical, aliases in (doc.get("terms") or {}).items():
        for alias in sorted({canonical.replace("_", " "), *aliases}):
            patterns += _phrase_or_tokens(label, alias, canonical, False, tokenize)
    return patterns
