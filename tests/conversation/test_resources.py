"""Resource questions by place against the real bot: every jurisdiction's naloxone program, 30+ cities (typos
included) resolved to their province, the province question when no place is given, and places outside Canada."""

import re

import pytest

from tests.support.repo import load_yaml

pytestmark = pytest.mark.servers
CASES = load_yaml("tests/conversation/resource_cases.yml")
NAMES = {code: info["name"] for code, info in load_yaml("data/patterns/places.yml")["provinces"].items()}


@pytest.mark.parametrize("code", sorted(CASES["naloxone_by_jurisdiction"]))
def test_naloxone_in_each_jurisdiction_names_its_program(chat, code):
    case = CASES["naloxone_by_jurisdiction"][code]
    reply = chat.say(case["ask"])
    assert NAMES[code] in reply, reply
    assert case["expect"].lower() in reply.lower(), reply
    # each entry shows the date of its own source, never the day the directory was built
    assert "Source: " in reply and re.search(
        r"\((source as of ([A-Z][a-z]+ )?(\d{1,2}, )?\d{4}|undated source)\)", reply
    )
    assert "(checked " not in reply


@pytest.mark.parametrize("case", CASES["cities"], ids=[c["ask"] for c in CASES["cities"]])
def test_city_questions_resolve_to_the_right_province(chat, case):
    reply = chat.say(case["ask"])
    assert case["province"] in reply, reply


def test_no_place_gets_the_question_with_buttons_then_the_answer(chat):
    messages = chat.send("where can i get naloxone")
    question = messages[-1]
    assert "Which province or territory" in question["text"]
    assert len(question["buttons"]) == 13
    manitoba = next(b for b in question["buttons"] if b["title"] == "Manitoba")
    reply = chat.say(manitoba["payload"])
    assert "Manitoba" in reply and "Naloxone Finder" in reply
    follow_up = chat.say("and is there drug checking?")  # the province is remembered for the conversation
    assert "Manitoba" in follow_up


@pytest.mark.parametrize(
    "turns, expected, not_on_first_line",
    [
        pytest.param(
            ["where is a supervised consumption site", "im in calgary"],
            ["Alberta", "Health Canada"],
            None,
            id="typed_place_after_the_question_answers_it",
        ),
        pytest.param(
            ["where can i get narcan in seattle"],
            ["Canada", "1-888-688-6677"],
            "British Columbia",
            id="a_place_outside_canada_gets_the_national_lines",
        ),
    ],
)
def test_the_place_named_picks_the_resources(chat, turns, expected, not_on_first_line):
    for turn in turns:
        reply = chat.say(turn)
    assert all(part in reply for part in expected), reply
    if not_on_first_line:
        assert not_on_first_line not in reply.split("\n")[0], reply


def test_nunavut_emergency_says_what_to_do_without_911(chat):
    reply = chat.say("my friend in iqaluit is not breathing")
    assert reply.splitlines()[0].startswith("🚨 Call 911")  # universal answer first
    assert "health centre" in reply and "Nunavut" in reply
