from actions.fallback import EMERGENCY_PAYLOAD, ActionDidYouMean, consecutive_fallbacks, full_intent, suggestions
from tests.support.trackers import make_tracker, user_event


def fallback_event(ranking, response_key=None):
    return user_event("nlu_fallback", ranking=ranking, response_key=response_key)


def test_consecutive_fallbacks_counts_back_to_the_last_understood_message():
    events = [user_event("greet"), fallback_event([]), {"event": "bot"}, fallback_event([])]
    assert consecutive_fallbacks(events) == 2
    assert consecutive_fallbacks(events + [user_event("thanks")]) == 0
    assert consecutive_fallbacks([fallback_event([]), {"event": "restart"}, fallback_event([])]) == 1


def test_full_intent_uses_the_response_selector():
    parse = fallback_event([], response_key="legal/arrest")["parse_data"]
    assert full_intent("legal", parse) == "legal/arrest"
    assert full_intent("greet", parse) == "greet"


def test_suggestions_are_labelled_and_skip_intents_not_offered():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "affirm", "confidence": 0.3},
        {"name": "legal", "confidence": 0.25},
        {"name": "bot_challenge", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    buttons = suggestions(fallback_event(ranking, response_key="legal/arrest")["parse_data"])
    assert buttons == [
        {"title": "Can police arrest me?", "payload": "Can police arrest me?"},
        {"title": "Am I talking to a bot?", "payload": "Am I talking to a bot?"},
    ]


async def test_first_miss_offers_did_you_mean_buttons(dispatcher):
    ranking = [{"name": "health", "confidence": 0.4}, {"name": "emergency", "confidence": 0.3}]
    tracker = make_tracker([user_event("greet"), fallback_event(ranking, response_key="health/naloxone_get")])
    await ActionDidYouMean().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["text"] == "Did you mean one of these?"
    assert [b["title"] for b in message["buttons"]] == [
        "Where can I get naloxone?",
        "Someone is overdosing now",
        "What can you do?",
    ]
    assert message["buttons"][1]["payload"] == EMERGENCY_PAYLOAD


async def test_second_miss_shows_main_topics_with_the_emergency_line(dispatcher):
    ranking = [{"name": "health", "confidence": 0.4}]
    tracker = make_tracker([fallback_event(ranking), fallback_event(ranking)])
    await ActionDidYouMean().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert "call 911" in message["text"]
    assert message["buttons"][0]["payload"] == EMERGENCY_PAYLOAD


async def test_french_conversation_gets_french_topics(dispatcher):
    tracker = make_tracker([fallback_event([])], slots={"language": "fr"})
    await ActionDidYouMean().run(dispatcher, tracker, {})
    assert "appelez le 911" in dispatcher.messages[0]["text"]


async def test_the_help_button_is_not_offered_twice(dispatcher):
    from actions.fallback import ActionDidYouMean
    from tests.support.trackers import make_tracker, user_event

    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "help", "confidence": 0.25},
        {"name": "health", "confidence": 0.2},
    ]
    event = user_event("nlu_fallback", ranking=ranking)
    await ActionDidYouMean().run(dispatcher, make_tracker([event]), {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert len(titles) == len(set(titles)) and "What can you do?" in titles


async def test_french_did_you_mean_buttons_are_french_and_send_french(dispatcher):
    from actions.content import intent_catalogue

    ranking = [{"name": "health", "confidence": 0.4}, {"name": "emergency", "confidence": 0.3}]
    tracker = make_tracker(
        [user_event("greet"), fallback_event(ranking, response_key="health/naloxone_get")], slots={"language": "fr"}
    )
    await ActionDidYouMean().run(dispatcher, tracker, {})
    buttons = dispatcher.messages[0]["buttons"]
    catalogue = intent_catalogue()
    assert [b["title"] for b in buttons] == [
        catalogue["health/naloxone_get"]["label_fr"],
        catalogue["emergency"]["label_fr"],
        catalogue["help"]["label_fr"],
    ]
    assert buttons[0]["payload"] == catalogue["health/naloxone_get"]["label_fr"]
    assert buttons[1]["payload"] == EMERGENCY_PAYLOAD
