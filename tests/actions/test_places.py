import pytest

from actions.content import province_resources
from actions.places import ActionPlaceAnswer, pending_topic, place_reply
from tests.actions.conftest import make_tracker, user_event

NS = [{"entity": "city", "value": "Dartmouth"}, {"entity": "province", "value": "NS"}]


def test_pending_topic_is_the_question_before_the_place():
    events = [user_event("health", response_key="health/naloxone_get"), {"event": "bot"},
              user_event("inform_place", entities=NS)]
    assert pending_topic(events) == "naloxone"
    assert pending_topic([user_event("greet"), user_event("inform_place")]) is None


@pytest.mark.parametrize("province", sorted(province_resources()))
def test_every_province_has_a_sourced_naloxone_and_health_line_answer(province):
    reply = place_reply(province, None)
    assert province_resources()[province]["name"] in reply
    assert "\nSource: " in reply and "http" in reply


async def test_naloxone_question_then_place_gets_that_provinces_program(dispatcher):
    events = [user_event("health", response_key="health/naloxone_get"), {"event": "bot"},
              user_event("inform_place", entities=NS)]
    await ActionPlaceAnswer().run(dispatcher, make_tracker(events, {"language": "en", "province": "NS"}), {})
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Naloxone in Nova Scotia:")
    assert "nsnaloxone.com" in text
    assert "Health line" not in text


async def test_place_without_a_question_is_noted(dispatcher):
    events = [user_event("inform_place", entities=[{"entity": "province", "value": "AB"}])]
    await ActionPlaceAnswer().run(dispatcher, make_tracker(events, {"language": "en", "province": "AB"}), {})
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Thanks — I'll keep in mind that you're in Alberta")
    assert "Naloxone in Alberta" in text and "Health line in Alberta" in text


async def test_unknown_place_says_the_bot_covers_canada(dispatcher):
    events = [user_event("inform_place", text="im in seattle")]
    await ActionPlaceAnswer().run(dispatcher, make_tracker(events, {"language": "en", "province": None}), {})
    text = dispatcher.messages[0]["text"]
    assert "covers Canada" in text and "1-888-688-6677" in text
