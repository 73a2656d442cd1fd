"""Safety invariant: a message about an overdose happening now gets 911 first — in any dialogue state, and
with the action server down."""

import re

import pytest

from tests.support.chat import Chat
from tests.support.repo import read_lines

pytestmark = pytest.mark.servers
PHRASINGS = read_lines("tests/conversation/emergency_phrasings.txt")
NINE_ONE_ONE = re.compile(r"(?<!\d)9[- .]?1[- .]?1(?!\d)")


def assert_911_first(messages):
    assert messages, "no reply"
    first_line = (messages[0].get("text") or "").splitlines()[0]
    assert NINE_ONE_ONE.search(first_line), f"first line without 911: {first_line!r}"


def test_there_are_at_least_60_distinct_phrasings():
    assert len(set(PHRASINGS)) >= 60


@pytest.mark.parametrize("text", PHRASINGS)
def test_emergency_gets_911_first(bot, text):
    assert_911_first(Chat(bot).send(text))


def assert_check_interrupted(services):
    chat = Chat(services)
    assert "1/4" in chat.say("can you check whether i'm protected")
    assert "2/4" in chat.say("yes")
    assert_911_first(chat.send("wait my friend just collapsed and isnt breathing"))
    # the check was left: a yes now doesn't answer question 2
    assert "3/4" not in chat.say("yes")


def test_emergency_in_the_middle_of_the_check_interrupts_it(bot):
    assert_check_interrupted(bot)


def test_emergency_in_french_gets_french_911(bot):
    reply = Chat(bot).say("mon ami respire presque pu pis y est tout bleu")
    assert reply.startswith("🚨 Appelez le 911")


@pytest.mark.parametrize("text", PHRASINGS)
def test_emergency_gets_911_with_the_action_server_down(bot_without_actions, text):
    assert_911_first(Chat(bot_without_actions).send(text))


def test_check_still_interrupted_with_the_action_server_down(bot_without_actions):
    assert_check_interrupted(bot_without_actions)


def test_fixed_answers_still_work_with_the_action_server_down(bot_without_actions):
    chat = Chat(bot_without_actions)
    assert "Wilson" in chat.say("can cops arrest me for possession if i call 911")
    assert "1-888-688-6677" in chat.say("number for the overdose response line")


def test_no_silence_with_the_action_server_down(bot_without_actions):
    """Answers that need an action degrade to a reply, never to silence."""
    chat = Chat(bot_without_actions)
    for message in ["blorp zzkt qwv", "we are in halifax"]:
        assert chat.send(message), message
