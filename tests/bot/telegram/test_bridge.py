"""The bridge's handlers end to end against the fake Telegram API and a fake Rasa (offline)."""

import asyncio
import logging

from bot.cards import card_content
from bot.telegram import content
from tests.support.bridge import TOKEN

CHAT = 5551234


async def test_start_relays_greet_with_the_telegram_channel_and_a_hashed_sender(harness):
    harness.rasa.reply = lambda body: [
        {
            "text": "Hi! I'm an automated assistant.",
            "buttons": [{"title": "Am I protected?", "payload": "/check_protection"}],
        }
    ]
    await harness.feed(harness.updates.message(CHAT, "/start"))
    body = harness.rasa.received[0]
    assert body["message"] == "/greet" and body["input_channel"] == "telegram"
    assert body["sender"].startswith("tg-") and str(CHAT) not in body["sender"]
    sent = harness.telegram.sent(CHAT)
    assert sent[0].params["parse_mode"] == "HTML"
    button = sent[0].params["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Am I protected?"
    assert harness.bridge.codec.decode(button["callback_data"], body["sender"]) == "/check_protection"


async def test_typing_is_shown_while_rasa_takes_its_time(harness):
    harness.rasa.delay = 1.0
    await harness.feed(harness.updates.message(CHAT, "can police arrest me"))
    assert harness.telegram.called("sendChatAction", CHAT)[0].params["action"] == "typing"
    harness.rasa.delay = 0
    await harness.feed(harness.updates.message(CHAT + 1, "hi"))
    assert harness.telegram.called("sendChatAction", CHAT + 1) == []  # a quick answer needs no "typing…"


async def test_sender_ids_are_stable_per_chat_and_differ_between_chats_and_keys(harness):
    bridge = harness.bridge
    assert bridge.sender_id(CHAT) == bridge.sender_id(CHAT) != bridge.sender_id(CHAT + 1)
    from dataclasses import replace

    from bot.telegram.bridge import TelegramBridge

    other = TelegramBridge(replace(bridge.settings, sender_key=b"another-key"), rasa=bridge.rasa)
    assert other.sender_id(CHAT) != bridge.sender_id(CHAT)


async def test_text_is_escaped_and_links_clickable(harness):
    harness.rasa.reply = lambda body: [{"text": "Source: Health Canada — https://www.canada.ca/x.html <not a tag>"}]
    await harness.feed(harness.updates.message(CHAT, "am i protected"))
    text = harness.telegram.sent_texts(CHAT)[0]
    assert '<a href="https://www.canada.ca/x.html">' in text and "&lt;not a tag&gt;" in text


# What Rasa 3.6's REST channel returns for utter_emergency (text + `custom: {card: overdose_response}`): the text,
# then the custom payload as a message of its own.
RECORDED_EMERGENCY_REPLY = [
    {"recipient_id": "tg-x", "text": content.emergency_answer("en")},
    {"recipient_id": "tg-x", "custom": {"card": "overdose_response"}},
]


async def test_emergency_reply_from_rasa_gets_the_card(harness):
    harness.rasa.reply = lambda body: RECORDED_EMERGENCY_REPLY
    await harness.feed(harness.updates.message(CHAT, "my friend is not breathing"))
    sent = harness.telegram.sent(CHAT)
    assert [c.method for c in sent] == ["sendMessage", "sendPhoto"]  # the marker itself is never sent as text
    assert "911" in sent[0].params["text"].splitlines()[0] and "overdose_response" not in sent[0].params["text"]
    assert sent[1].params["photo"]["bytes"] > 10_000
    assert "911" in sent[1].params["caption"]


async def test_the_marker_decides_the_card_not_the_wording(harness):
    """The emergency answer's words without the marker get no card; the marker after any text gets it (in the
    user's Telegram language)."""
    harness.rasa.reply = lambda body: [{"text": content.emergency_answer("en")}]
    await harness.feed(harness.updates.message(CHAT, "my friend is not breathing"))
    assert [c.method for c in harness.telegram.sent(CHAT)] == ["sendMessage"]
    harness.rasa.reply = lambda body: [
        {"text": "Reworded: phone 911 right away."},
        {"custom": {"card": "overdose_response"}},
    ]
    await harness.feed(harness.updates.message(CHAT + 1, "mon ami ne respire plus", language="fr"))
    sent = harness.telegram.sent(CHAT + 1)
    assert [c.method for c in sent] == ["sendMessage", "sendPhoto"]
    assert sent[1].params["caption"] == card_content("fr")["caption"]


async def test_an_unknown_card_is_not_sent_and_nothing_of_it_shows(harness):
    harness.rasa.reply = lambda body: [{"text": "Here you go."}, {"custom": {"card": "no_such_card"}}]
    await harness.feed(harness.updates.message(CHAT, "hi"))
    sent = harness.telegram.sent(CHAT)
    assert [(c.method, c.params["text"]) for c in sent] == [("sendMessage", "Here you go.")]


async def test_emergency_command_answers_without_rasa(harness):
    await harness.feed(harness.updates.message(CHAT, "/emergency"))
    assert harness.rasa.received == []
    sent = harness.telegram.sent(CHAT)
    assert sent[0].params["text"].startswith("🚨 Call 911") and sent[1].method == "sendPhoto"


async def test_emergency_command_in_french_for_a_french_telegram_user(harness):
    await harness.feed(harness.updates.message(CHAT, "/emergency", language="fr-CA"))
    assert harness.telegram.sent_texts(CHAT)[0].startswith("🚨 Appelez le 911")


def signed(harness, payload, chat=CHAT):
    return harness.bridge.codec.encode(payload, harness.bridge.sender_id(chat))


async def test_button_press_is_answered_echoed_and_relayed(harness):
    data = signed(harness, "/check_protection")
    markup = {"inline_keyboard": [[{"text": "Am I protected?", "callback_data": data}]]}
    harness.rasa.reply = lambda body: [{"text": "Were you at the overdose?"}]
    await harness.feed(harness.updates.button(CHAT, data, markup))
    assert len(harness.telegram.called("answerCallbackQuery")) == 1
    assert harness.telegram.sent_texts(CHAT)[:2] == ["➡️ Am I protected?", "Were you at the overdose?"]
    assert harness.rasa.received[0]["message"] == "/check_protection"


async def test_long_payload_buttons_round_trip_through_the_codec(harness):
    payload = "what is the difference between decriminalization and the good samaritan act"
    harness.rasa.reply = lambda body: [{"text": "Pick one", "buttons": [{"title": "Difference", "payload": payload}]}]
    await harness.feed(harness.updates.message(CHAT, "topics"))
    keyboard = harness.telegram.sent(CHAT)[0].params["reply_markup"]
    data = keyboard["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64
    await harness.feed(harness.updates.button(CHAT, data, keyboard))
    assert harness.rasa.received[-1]["message"] == payload


async def test_unknown_button_still_answers_the_query_and_explains(harness):
    await harness.feed(harness.updates.button(CHAT, "#0123456789abcdef"))
    assert len(harness.telegram.called("answerCallbackQuery")) == 1
    assert "no longer available" in harness.telegram.sent_texts(CHAT)[0]
    assert harness.rasa.received == []


async def test_5000_character_reply_is_split(harness):
    harness.rasa.reply = lambda body: [{"text": "word " * 1000}]
    await harness.feed(harness.updates.message(CHAT, "x" * 5000))
    texts = harness.telegram.sent_texts(CHAT)
    assert len(texts) == 2 and all(len(t) <= 4096 for t in texts)
    assert len(harness.rasa.received[0]["message"]) == 5000  # the REST channel caps it, not the bridge


async def test_other_input_gets_a_clear_reply_and_nothing_reaches_rasa(harness):
    updates = harness.updates
    expectations = [
        (updates.sticker(CHAT), "only read text"),
        (updates.voice(CHAT), "please type"),
        (updates.photo(CHAT), "only read text"),
        (updates.document(CHAT), "only read text"),
        (updates.location(CHAT), "don't use locations"),
        (updates.message(CHAT, "edited text", key="edited_message"), "not edits"),
    ]
    for update, expected in expectations:
        await harness.feed(update)
        assert expected in harness.telegram.sent_texts(CHAT)[-1]
    assert harness.rasa.received == []


async def test_group_chatter_is_ignored_and_only_mentions_or_replies_are_answered(harness):
    group = -100777
    await harness.feed(harness.updates.message(group, "anyone got a lighter", kind="supergroup", user_id=11))
    await harness.feed(harness.updates.sticker(group, kind="supergroup", user_id=11))
    await harness.feed(harness.updates.message(group, "/other_bots_command", kind="supergroup", user_id=11))
    assert harness.rasa.received == [] and harness.telegram.sent(group) == []
    await harness.feed(
        harness.updates.message(group, "@gsdoa_test_bot can police arrest me", kind="supergroup", user_id=12)
    )
    assert harness.rasa.received[-1]["message"] == "can police arrest me"
    bot_message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": group, "type": "supergroup", "title": "G"},
        "from": {"id": 4242000001, "is_bot": True, "first_name": "GSDOA guide"},
        "text": "…",
    }
    await harness.feed(
        harness.updates.message(group, "and my probation?", kind="supergroup", user_id=13, reply_to_message=bot_message)
    )
    assert harness.rasa.received[-1]["message"] == "and my probation?"
    assert len(harness.rasa.received) == 2
    senders = {body["sender"] for body in harness.rasa.received}
    assert senders == {harness.bridge.sender_id(group)}  # one conversation per group; members aren't tracked


async def test_rasa_down_gives_911_and_nors(telegram):
    from bot.telegram.bridge import TelegramBridge
    from ops.services import free_port
    from tests.support.bridge import Harness, settings_for

    dead_port = free_port()
    bridge = TelegramBridge(settings_for(telegram, f"http://127.0.0.1:{dead_port}"))
    harness = Harness(telegram, None, bridge)
    async with harness.app:
        await harness.feed(harness.updates.message(CHAT, "can i get arrested"))
        await harness.feed(harness.updates.message(CHAT, "/start"))
    texts = harness.telegram.sent_texts(CHAT)
    assert "try again" in texts[0] and "911" in texts[0] and "1-888-688-6677" in texts[0]
    assert "not a person" in texts[1] and "911" in texts[1]
    await bridge.rasa.close()


async def test_rasa_slower_than_the_timeout_gives_the_same_message(harness):
    harness.rasa.delay = 3.0  # the harness timeout is 2 s
    await harness.feed(harness.updates.message(CHAT, "hello?"))
    assert "911" in harness.telegram.sent_texts(CHAT)[0] and "try again" in harness.telegram.sent_texts(CHAT)[0]


async def test_forget_erases_the_rasa_conversation(harness):
    await harness.feed(harness.updates.message(CHAT, "/forget"))
    assert harness.rasa.forgotten == [harness.bridge.sender_id(CHAT)]
    assert "erased" in harness.telegram.sent_texts(CHAT)[0]
    assert len(harness.bridge.locks) == 0  # nothing about the chat stays in the bridge


async def test_language_offers_both_languages_as_buttons(harness):
    await harness.feed(harness.updates.message(CHAT, "/language"))
    keyboard = harness.telegram.sent(CHAT)[0].params["reply_markup"]["inline_keyboard"]
    sender = harness.bridge.sender_id(CHAT)
    assert [harness.bridge.codec.decode(row[0]["callback_data"], sender) for row in keyboard] == [
        '/set_language{"language":"en"}',
        '/set_language{"language":"fr"}',
    ]


async def test_privacy_and_help_and_resources(harness):
    await harness.feed(harness.updates.message(CHAT, "/privacy"))
    assert "/forget" in harness.telegram.sent_texts(CHAT)[0] and "not a person" in harness.telegram.sent_texts(CHAT)[0]
    await harness.feed(harness.updates.message(CHAT, "/help"))
    await harness.feed(harness.updates.message(CHAT, "/resources"))
    await harness.feed(harness.updates.message(CHAT, "/nonsense"))
    assert [b["message"] for b in harness.rasa.received] == ["/help", "/resources", "/help"]


async def test_commands_are_registered_in_english_and_french(harness):
    await harness.bridge.register_commands(harness.app)
    calls = harness.telegram.called("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [None, "fr"]
    assert calls[0].params["commands"][0]["command"] == "emergency"


async def test_one_chat_stays_in_order_while_chats_run_in_parallel(harness):
    order = []

    def reply(body):
        order.append(body["message"])
        return [{"text": "ok " + body["message"]}]

    harness.rasa.reply = reply
    harness.rasa.delay = 0.2
    started = asyncio.get_running_loop().time()
    await asyncio.gather(
        *(harness.feed(harness.updates.message(chat, f"m{chat}-{turn}")) for turn in range(2) for chat in range(1, 6))
    )
    elapsed = asyncio.get_running_loop().time() - started
    for chat in range(1, 6):
        assert harness.telegram.sent_texts(chat) == [f"ok m{chat}-0", f"ok m{chat}-1"]
    assert elapsed < 2 * 5 * 0.2  # not one chat after another


async def test_logs_carry_no_text_no_ids_no_token(harness, caplog):
    caplog.set_level(logging.DEBUG)
    harness.rasa.delay = 3.0
    await harness.feed(harness.updates.message(CHAT, "my name is Sam Doe, 604-555-0187"))
    logged = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore", "telegram", "aiohttp"))
    )
    assert "Sam" not in logged and str(CHAT) not in logged and TOKEN not in logged
    assert "Rasa did not answer" in logged


async def test_the_users_telegram_language_goes_to_rasa_as_a_first_guess(harness):
    await harness.feed(harness.updates.message(CHAT, "allo", language="fr-CA"))
    await harness.feed(harness.updates.message(CHAT + 1, "hello"))
    assert harness.rasa.received[0]["metadata"] == {"language": "fr"}
    assert harness.rasa.received[1]["metadata"] == {"language": "en"}


async def test_choosing_french_with_the_language_button_switches_the_bridges_own_texts(harness):
    await harness.feed(harness.updates.message(CHAT, "/language"))
    markup = harness.telegram.sent(CHAT)[0].params["reply_markup"]
    await harness.feed(harness.updates.button(CHAT, markup["inline_keyboard"][1][0]["callback_data"], markup))
    assert harness.rasa.received[-1]["message"] == '/set_language{"language":"fr"}'
    await harness.feed(harness.updates.button(CHAT, "#0123456789abcdef"))
    assert harness.telegram.sent_texts(CHAT)[-1].startswith("Ce bouton n'est plus disponible")
    await harness.feed(harness.updates.message(CHAT, "/forget"))  # forgetting the chat forgets the choice too
    await harness.feed(harness.updates.button(CHAT, "#0123456789abcdef"))
    assert harness.telegram.sent_texts(CHAT)[-1].startswith("That button is no longer available")
