"""Follow-ups answered about the last topic, and a language switch that repeats the last answer (issue 13, §5)."""

import re

import pytest

pytestmark = pytest.mark.servers


# (the last topic, the follow-up, what the answer must contain: a regular expression)
FOLLOW_UPS = [
    ("where can i get naloxone in manitoba", "is it free?", "(?i)free"),
    ("is there someone who can stay on the phone while i use", "what's the number again?", "1-888-688-6677"),
    ("what is the good samaritan drug overdose act", "when did it start?", "May 4, 2017"),
    ("what is the suicide crisis line", "since when?", "2023"),
    ("can police arrest me if i call 911 for an overdose", "what about my friend?", "everyone at the scene"),
    ("what does the good samaritan act cover", "what about parole?", "parole"),
    ("où trouver de la naloxone", "c'est gratuit?", "gratuite"),
]


@pytest.mark.parametrize("topic, follow_up, expected", FOLLOW_UPS, ids=[f"{t} / {f}" for t, f, _ in FOLLOW_UPS])
def test_a_follow_up_is_answered_about_the_last_topic(chat, topic, follow_up, expected):
    chat.say(topic)
    reply = chat.say(follow_up)
    assert re.search(expected, reply), reply


def test_more_gives_the_detail_of_the_last_answer(chat):
    first = chat.send("can police arrest me for possession if i call 911")
    assert any(b["title"].startswith("More") for m in first for b in m.get("buttons") or [])
    assert "Vanscoy" in chat.say("tell me more")


@pytest.mark.parametrize(
    "question, switch, expected",
    [
        pytest.param(
            "can police arrest me for possession if i call 911",
            "and in French?",
            ("français", "La police ne peut pas vous arrêter"),
            id="and_in_french",
        ),
        pytest.param(
            "la police peut-tu m'arrêter si j'appelle le 911",
            "en anglais svp",
            ("English", "Police can't arrest you"),
            id="en_anglais_switches_back",
        ),
    ],
)
def test_asking_for_the_other_language_switches_and_repeats_the_last_answer(chat, question, switch, expected):
    chat.say(question)
    reply = chat.say(switch)
    assert all(part in reply for part in expected), reply
