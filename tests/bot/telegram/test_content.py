"""The bridge's own texts come from data/ and say what matters."""

import re

import pytest

from bot.telegram import content


def test_emergency_answer_is_rasas_utter_emergency_and_starts_with_911():
    for language in content.LANGUAGES:
        answer = content.emergency_answer(language)
        assert "911" in answer.splitlines()[0]
    assert "Appelez le 911" in content.emergency_answer("fr")
    assert content.emergency_answer("de") == content.emergency_answer("en")  # the content package's rule


def test_every_emergency_answer_carries_the_card_marker():
    """The bridge sends the card because the response says so (custom: {card: overdose_response}), not because
    of its wording: every variant of utter_emergency, in every language, carries the marker."""
    import gsdoa_content
    from bot.cards import CARD_NAME

    variants = gsdoa_content.responses()["utter_emergency"]
    assert {gsdoa_content.variant_language(v) for v in variants} == set(content.LANGUAGES)
    assert all(v.get("custom") == {"card": CARD_NAME} for v in variants)
    others = [
        name
        for name, vs in gsdoa_content.responses().items()
        if name != "utter_emergency"
        for v in vs
        if "card" in (v.get("custom") or {})
    ]
    assert others == []  # only the emergency answer brings the card


@pytest.mark.parametrize("code, expected", [("fr", "fr"), ("fr-CA", "fr"), ("en-US", "en"), (None, "en"), ("de", "en")])
def test_language_of_telegram_user(code, expected):
    assert content.language_of(code) == expected


@pytest.mark.parametrize("name", ["bot_unreachable", "telegram_start_offline"])
def test_outage_messages_give_911_and_nors_in_both_languages(name):
    for language in content.LANGUAGES:
        message = content.text(name, language)
        assert "911" in message and "1-888-688-6677" in message


def test_start_offline_says_it_is_not_a_person():
    assert "not a person" in content.text("telegram_start_offline", "en")
    assert "pas une personne" in content.text("telegram_start_offline", "fr")


def test_commands_follow_telegrams_rules():
    menus = {language: content.commands(language) for language in content.LANGUAGES}
    names = {language: [name for name, _ in menu] for language, menu in menus.items()}
    assert names["en"] == names["fr"]
    assert menus["fr"][0][1].startswith("Quelqu'un fait une surdose")  # descriptions from data/texts.yml
    for menu in menus.values():
        for name, description in menu:
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name) and 1 <= len(description) <= 256
    assert names["en"][0] == "emergency"  # first in the menu
