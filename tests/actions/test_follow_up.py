"""After "in French please": the previous answer's responses again (the NLG renders them in the new language)."""

from actions.follow_up import ActionRepeatLastAnswer, last_answer
from tests.support.trackers import make_tracker, user_event


def bot(name):
    return {"event": "bot", "text": "…", "metadata": {"utter_action": name}}


def test_the_answer_before_the_request_is_repeated_in_order():
    events = [
        user_event("emergency"),
        bot("utter_emergency"),
        bot("utter_emergency_more"),
        user_event("set_language"),
        bot("utter_language_set"),
    ]
    assert last_answer(events) == ["utter_emergency", "utter_emergency_more"]


def test_only_the_last_answer_and_no_small_talk():
    events = [
        user_event("legal"),
        bot("utter_legal/arrest"),
        user_event("thanks"),
        bot("utter_thanks"),
        user_event("health"),
        bot("utter_health/naloxone_get"),
        {"event": "bot", "text": "In Ontario: …"},
        user_event("set_language"),
        bot("utter_language_set"),
    ]
    assert last_answer(events) == ["utter_health/naloxone_get"]


def test_nothing_to_repeat_at_the_start():
    assert last_answer([user_event("set_language"), bot("utter_language_set")]) == []


async def test_the_action_utters_the_responses_by_name(dispatcher):
    events = [user_event("legal"), bot("utter_legal/arrest"), user_event("set_language")]
    await ActionRepeatLastAnswer().run(dispatcher, make_tracker(events), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_legal/arrest"]
