"""Local resources after resource answers, the province question, and places (actions/resources.py)."""

import re

import pytest

from actions.content import is_french_page
from actions.resources import ActionLocalResources, ActionPlaceAnswer, local_reply, pending_kinds, province_buttons
from gsdoa_content import province_name, provinces
from tests.support.trackers import make_tracker, user_event

NS = [{"entity": "city", "value": "Dartmouth"}, {"entity": "province", "value": "NS"}]


async def run(action, events, slots=None):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = await action.run(dispatcher, make_tracker(events, slots or {"language": "en"}), {})
    return dispatcher.messages, result


@pytest.mark.parametrize("province", sorted(provinces()))
def test_every_jurisdiction_has_a_sourced_local_naloxone_answer(province):
    reply = local_reply(["naloxone"], province, None, "en")
    assert province_name(province, "en") in reply
    assert "Source: " in reply and "http" in reply and re.search(r"\((source as of|undated source)", reply)


@pytest.mark.parametrize("province", sorted(provinces()))
def test_every_jurisdiction_answers_in_french_too(province):
    reply = local_reply(["naloxone", "health_line"], province, None, "fr")
    assert reply.startswith(f"Pour {province_name(province, 'fr')}")
    assert "Source\u00a0: " in reply and "Source : " not in reply  # French typography: no break before « : »
    for line in (text for text in reply.splitlines() if text.startswith("Source")):
        url = line.split(" — ")[-1].split(" (source")[0]
        assert ("(en anglais)" in line) != is_french_page(url), line  # English pages say so, French ones don't


def test_a_city_is_named_in_french_in_a_french_reply():
    reply = local_reply(["naloxone"], "QC", "Québec City", "fr")
    assert reply.startswith("Pour la ville de Québec, Québec") and "Québec City" not in reply


async def test_naloxone_question_with_a_city_gets_that_provinces_program():
    messages, events = await run(
        ActionLocalResources(),
        [
            user_event(
                "health",
                "kamloops here, who gives out naloxone kits",
                response_key="health/naloxone_get",
                entities=[{"entity": "city", "value": "Kamloops"}, {"entity": "province", "value": "BC"}],
            )
        ],
    )
    text = messages[0]["text"]
    assert text.startswith("In Kamloops, British Columbia:")
    assert "Toward the Heart" in text or "towardtheheart" in text
    assert {"event": "slot", "name": "province", "value": "BC", "timestamp": None} in events


async def test_no_place_asks_which_province_with_a_button_each():
    messages, events = await run(
        ActionLocalResources(),
        [
            user_event(
                "services", "is there a supervised consumption site near me", response_key="services/supervised_sites"
            )
        ],
    )
    assert messages[0]["text"].startswith("Which province or territory are you in?")
    assert len(messages[0]["buttons"]) == 13 and events == []
    assert all(len(b["payload"].encode()) <= 64 for b in messages[0]["buttons"])


async def test_remembered_province_is_used():
    messages, _ = await run(
        ActionLocalResources(),
        [user_event("services", "drug checking?", response_key="services/drug_checking")],
        {"language": "en", "province": "YT"},
    )
    assert "Blood Ties" in messages[0]["text"]


async def test_topics_without_local_resources_add_nothing():
    messages, _ = await run(
        ActionLocalResources(),
        [user_event("legal", "am i covered", response_key="legal/possession_covered", entities=NS)],
    )
    assert messages == []


async def test_emergency_adds_only_what_to_do_where_there_is_no_911():
    nunavut = [{"entity": "city", "value": "Iqaluit"}, {"entity": "province", "value": "NU"}]
    messages, _ = await run(ActionLocalResources(), [user_event("emergency", entities=nunavut)])
    assert "health centre" in messages[0]["text"] and "Nunavut" in messages[0]["text"]
    messages, _ = await run(ActionLocalResources(), [user_event("emergency", entities=NS)])
    assert messages == []
    messages, _ = await run(ActionLocalResources(), [user_event("emergency")])
    assert messages == []  # no province question in an emergency


def test_pending_kinds_come_from_the_question_before_the_place():
    events = [
        user_event("health", response_key="health/naloxone_get"),
        {"event": "bot"},
        user_event("inform_place", entities=NS),
    ]
    assert pending_kinds(events) == ["naloxone"]
    assert pending_kinds([user_event("greet"), user_event("inform_place")]) is None


async def test_place_after_a_naloxone_question_answers_it():
    events = [
        user_event("health", response_key="health/naloxone_get"),
        {"event": "bot"},
        user_event("inform_place", entities=NS),
    ]
    messages, _ = await run(ActionPlaceAnswer(), events)
    text = messages[0]["text"]
    assert text.startswith("In Dartmouth, Nova Scotia:") and "nsnaloxone.com" in text
    assert "811" not in text.split("nsnaloxone.com")[0]


async def test_province_button_payload_answers_the_pending_question():
    events = [
        user_event("services", response_key="services/supervised_sites"),
        {"event": "bot"},
        user_event("inform_place", "/inform_place", entities=[{"entity": "province", "value": "AB"}]),
    ]
    messages, _ = await run(ActionPlaceAnswer(), events)
    assert messages[0]["text"].startswith("In Alberta:") and "Health Canada" in messages[0]["text"]


async def test_place_without_a_question_is_noted_with_naloxone_and_health_line():
    messages, _ = await run(
        ActionPlaceAnswer(), [user_event("inform_place", entities=[{"entity": "province", "value": "AB"}])]
    )
    text = messages[0]["text"]
    assert text.startswith("Thanks — I'll keep in mind that you're in Alberta")
    assert "Naloxone" in text and "Health Link" in text


async def test_unknown_place_says_canada_only_and_asks():
    messages, _ = await run(ActionPlaceAnswer(), [user_event("inform_place", "i'm in seattle")])
    assert "Canada" in messages[0]["text"] and len(messages[0]["buttons"]) == 13


def test_buttons_are_labelled_in_french_for_french_conversations():
    assert province_buttons("fr")[0]["title"] == "Colombie-Britannique"


async def test_a_place_outside_canada_gets_the_canada_only_answer_not_the_province_question():
    messages, _ = await run(
        ActionLocalResources(),
        [
            user_event(
                "health",
                "where can i get narcan in seattle",
                response_key="health/naloxone_get",
                entities=[{"entity": "foreign_place", "value": "Seattle"}],
            )
        ],
    )
    assert "Canada" in messages[0]["text"] and "1-888-688-6677" in messages[0]["text"]


async def test_a_naloxone_question_read_as_what_is_it_still_gets_local_entries_when_a_town_is_named():
    regina = [{"entity": "city", "value": "Regina"}, {"entity": "province", "value": "SK"}]
    messages, _ = await run(
        ActionLocalResources(),
        [user_event("health", "naloxone in Regina", response_key="health/naloxone_what", entities=regina)],
    )
    assert messages[0]["text"].startswith("In Regina, Saskatchewan:")
    messages, _ = await run(
        ActionLocalResources(), [user_event("health", "what is naloxone", response_key="health/naloxone_what")]
    )
    assert messages == []  # no place named: no province question for a "what is" answer
