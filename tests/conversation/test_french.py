"""French over REST with the real servers (issue 6): answers in French, an emergency in French gets 911 in French
(also with the action server down), switching language mid-check, mixed-language messages and the channel's
first guess of the language (Telegram's language_code / the page's language, sent as metadata)."""

import re

import pytest

from tests.conversation.test_emergency import assert_911_first
from tests.support.chat import Chat
from tests.support.repo import load_yaml, read_lines

pytestmark = pytest.mark.servers
CASES = load_yaml("tests/conversation/cases_fr.yml")["cases"]
PHRASINGS = read_lines("tests/conversation/emergency_phrasings_fr.txt")
# French function words that English replies don't contain; English ones that French replies don't contain.
FRENCH = re.compile(r"\b(vous|votre|les|des|une|est|sont|pas|pour|dans|avec|qui|que|et|aux|à)\b", re.I)
ENGLISH = re.compile(r"\b(you|your|the|and|with|what|is|are|can)\b", re.I)


def assert_french(reply: str) -> None:
    assert len(FRENCH.findall(reply)) > 2 * len(ENGLISH.findall(reply)), f"not French: {reply}"


def assert_english(reply: str) -> None:
    assert len(ENGLISH.findall(reply)) > 2 * len(FRENCH.findall(reply)), f"not English: {reply}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_french_case(bot, case):
    chat = Chat(bot)
    for turn in case["say"]:
        reply = chat.say(turn)
    assert_french(reply)
    for pattern in case.get("expect", []):
        assert re.search(pattern, reply, re.I | re.S), f"missing /{pattern}/ in: {reply}"
    for pattern in case.get("forbid", []):
        assert not re.search(pattern, reply, re.I | re.S), f"forbidden /{pattern}/ in: {reply}"


def assert_french_911_first(messages):
    assert_911_first(messages)
    assert messages[0]["text"].startswith("🚨 Appelez le 911"), messages[0]["text"][:80]


@pytest.mark.parametrize("text", PHRASINGS)
def test_french_emergency_gets_911_first_in_french(bot, text):
    assert_french_911_first(Chat(bot).send(text))


@pytest.mark.parametrize("text", PHRASINGS)
def test_french_emergency_gets_911_with_the_action_server_down(bot_without_actions, text):
    assert_french_911_first(Chat(bot_without_actions).send(text))


def test_french_emergency_in_an_english_conversation_switches_to_french(bot):
    chat = Chat(bot)
    assert_english(chat.say("what does the good samaritan act protect"))
    assert_french_911_first(chat.send("mon chum respire pu pis y est bleu"))


def check_step(chat: Chat, message: str, step: str, language) -> None:
    """One turn of the check: the reply asks `step` (e.g. "2/4") and is in the language `language` asserts."""
    reply = chat.say(message)
    assert step in reply, reply
    language(reply)


def test_switching_to_french_in_the_middle_of_the_check(bot):
    chat = Chat(bot)
    assert "1/4" in chat.say("can you check if the law protects me")
    check_step(chat, "oui, c'est moi qui ai appelé le 911", "2/4", assert_french)
    check_step(chat, "non, juste un peu pour ma consommation", "3/4", assert_french)


def test_language_button_switches_the_check_to_french_and_back(bot):
    chat = Chat(bot)
    assert "1/4" in chat.say("walk me through whether i'm covered")
    # the same question again, now in French
    check_step(chat, '/set_language{"language": "fr"}', "1/4 — Êtes-vous", assert_french)
    check_step(chat, "/affirm", "2/4", assert_french)
    check_step(chat, '/set_language{"language": "en"}', "2/4 — Could police", assert_english)


def test_mixed_message_is_understood_and_keeps_the_conversation_language(bot):
    chat = Chat(bot)
    assert_french(chat.say("bonjour, j'ai des questions sur la loi des bons samaritains"))
    reply = chat.say("ok so la police peut m'arrest si j'call le 911?")
    assert_french(reply)
    assert re.search(r"Wilson|Cour suprême", reply), reply


def test_short_messages_keep_the_conversation_language(bot):
    chat = Chat(bot)
    assert_french(chat.say("c'est quoi la naloxone exactement"))
    assert_french(chat.say("ok"))  # "ok" decides nothing: the next answer is still French
    assert_french(chat.say("naloxone nasal spray?"))


def test_channel_language_is_a_first_guess_for_short_messages(bot):
    """Telegram's language_code / the page's language (metadata.language) decide when the text can't."""
    chat = Chat(bot)
    assert_french(chat.say("allo", {"language": "fr-CA"}))
    assert_french(chat.say("naloxone?", {"language": "fr-CA"}))


def test_a_clear_message_beats_the_channel_language(bot):
    chat = Chat(bot)
    reply = chat.say("can the police arrest me if i call 911 for my friend", {"language": "fr"})
    assert_english(reply)
    # clients send their guess with the first message only (widget, Telegram bridge): after that, a message that
    # decides nothing ("ok") keeps the conversation's language
    assert_english(chat.say("ok"))


def test_french_fallback_is_french(bot):
    chat = Chat(bot)
    assert_french(chat.say("bonjour, ceci est mon premier message"))
    reply = chat.say("blorp zzkt qwv")
    assert_french(reply)
