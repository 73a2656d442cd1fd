"""What the bridge says by itself (data/texts.yml `telegram_*`, the emergency answer from data/responses/core.yml,
command descriptions below), in English or French by the user's Telegram language."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

DATA = Path(__file__).resolve().parents[2] / "data"
LANGUAGES = ("en", "fr")

# Shown in Telegram's command menu (set_my_commands), per language.
COMMANDS: Dict[str, List[Tuple[str, str]]] = {
    "en": [("emergency", "Someone is overdosing: the steps now"),
           ("start", "Start: what this bot does"),
           ("help", "Topics I can help with"),
           ("resources", "Help lines and where to get naloxone"),
           ("language", "English / français"),
           ("privacy", "What is kept and what isn't"),
           ("forget", "Erase this conversation")],
    "fr": [("emergency", "Quelqu'un fait une surdose : les étapes"),
           ("start", "Début : ce que fait ce robot"),
           ("help", "Les sujets que je connais"),
           ("resources", "Lignes d'aide et naloxone"),
           ("language", "English / français"),
           ("privacy", "Ce qui est gardé ou non"),
           ("forget", "Effacer cette conversation")],
}


def language_of(language_code: Optional[str]) -> str:
    """Telegram's user language ('fr-CA', 'en', None) -> 'fr' or 'en'."""
    return "fr" if (language_code or "").lower().startswith("fr") else "en"


@functools.lru_cache(maxsize=None)
def _texts() -> Dict[str, Dict[str, str]]:
    return yaml.safe_load((DATA / "texts.yml").read_text(encoding="utf-8"))["texts"]


def text(name: str, language: str = "en", **values: str) -> str:
    entry = _texts()[name]
    chosen = entry.get(language) or entry["en"]
    return chosen.format(**values) if values else chosen


@functools.lru_cache(maxsize=None)
def _core_responses() -> Dict[str, List[Dict]]:
    return yaml.safe_load((DATA / "responses" / "core.yml").read_text(encoding="utf-8"))["responses"]


@functools.lru_cache(maxsize=None)
def emergency_answers() -> Dict[str, str]:
    """utter_emergency per language — the same words Rasa sends, so /emergency works without Rasa."""
    responses = _core_responses()
    answers: Dict[str, str] = {}
    for variant in responses["utter_emergency"]:
        conditions = variant.get("condition") or []
        language = next((c["value"] for c in conditions if c.get("name") == "language"), "en")
        answers.setdefault(language, variant["text"])
    return answers


def emergency_answer(language: str = "en") -> str:
    answers = emergency_answers()
    return answers.get(language) or answers["en"]


@functools.lru_cache(maxsize=None)
def _emergency_first_lines() -> frozenset:
    return frozenset(answer.splitlines()[0].strip() for answer in emergency_answers().values())


def is_emergency_answer(reply: str) -> bool:
    """True when a Rasa reply is the emergency answer (it then gets the overdose-response card)."""
    return reply.strip().splitlines()[0].strip() in _emergency_first_lines() if reply.strip() else False


@functools.lru_cache(maxsize=None)
def _check_start_lines() -> frozenset:
    """First lines of the "Am I protected?" check's intro and first question, in every language."""
    responses = _core_responses()
    return frozenset(variant["text"].strip().splitlines()[0].strip()
                     for name in ("utter_check_intro", "utter_ask_gs_involved") for variant in responses[name])


def is_check_start(reply: str) -> bool:
    """True when a Rasa reply starts the check (in a group, the bridge then suggests a private chat)."""
    return reply.strip().splitlines()[0].strip() in _check_start_lines() if reply.strip() else False
