"""What the bridge says by itself (data/texts.yml `telegram_*` and `bot_unreachable`, the emergency answer from
data/responses/core.yml, command descriptions below), in English or French by the user's Telegram language. The
texts come through gsdoa_content (its path and language rules)."""

from __future__ import annotations

import functools

import gsdoa_content

LANGUAGES = gsdoa_content.LANGUAGES

# Telegram's command menu (set_my_commands), in this order (/emergency first); each description is the text
# `telegram_command_<name>` in data/texts.yml.
COMMAND_NAMES = ("emergency", "start", "help", "resources", "language", "privacy", "forget")


def commands(language: str = "en") -> list[tuple[str, str]]:
    """(command, description) for the menu in `language`."""
    return [(name, text(f"telegram_command_{name}", language)) for name in COMMAND_NAMES]


def language_of(language_code: str | None) -> str:
    """Telegram's user language ('fr-CA', 'en', None) -> 'fr' or 'en'."""
    return "fr" if (language_code or "").lower().startswith("fr") else "en"


def text(name: str, language: str = "en", **values: str) -> str:
    return gsdoa_content.text(name, language, **values)


def emergency_answers() -> dict[str, str]:
    """utter_emergency per language — the same words Rasa sends, so /emergency works without Rasa."""
    return gsdoa_content.response_texts("utter_emergency")


def emergency_answer(language: str = "en") -> str:
    return gsdoa_content.in_language(emergency_answers(), language)


@functools.cache
def _check_start_lines() -> frozenset:
    """First lines of the "Am I protected?" check's intro and first question, in every language."""
    responses = gsdoa_content.responses()
    return frozenset(
        variant["text"].strip().splitlines()[0].strip()
        for name in ("utter_check_intro", "utter_ask_gs_involved")
        for variant in responses[name]
    )


def is_check_start(reply: str) -> bool:
    """True when a Rasa reply starts the check (in a group, the bridge then suggests a private chat)."""
    return reply.strip().splitlines()[0].strip() in _check_start_lines() if reply.strip() else False
