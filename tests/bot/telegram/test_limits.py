"""Abuse resistance of the bridge: the per-chat rate limit (shipped defaults), signed button data, and groups
(one shared conversation: /forget by admins only; the check suggests a private chat)."""

from dataclasses import replace

import pytest

import gsdoa_content
from bot.telegram import content
from bot.telegram.bridge import TelegramBridge
from bot.telegram.limits import ADMIT, QUIET, WARN, ChatRateLimiter
from bot.telegram.settings import Settings
from tests.support.bridge import Harness

CHAT = 5557001
GROUP = -1001234567
ADMIN, MEMBER, OWNER = 71, 72, 73


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_the_rate_and_warns_once_per_streak():
    clock = Clock()
    limiter = ChatRateLimiter(rate=2, burst=5, clock=clock)
    assert [limiter.check("a") for _ in range(7)] == [ADMIT] * 5 + [WARN, QUIET]
    assert limiter.check("b") == ADMIT  # another chat is not affected
    clock.now += 0.5  # 2/s: one more message after half a second
    assert [limiter.check("a") for _ in range(2)] == [ADMIT, WARN]
    clock.now += 10
    assert [limiter.check("a") for _ in range(5)] == [ADMIT] * 5


def test_idle_chats_are_forgotten_and_the_table_is_bounded():
    clock = Clock()
    limiter = ChatRateLimiter(rate=2, burst=5, capacity=100, clock=clock)
    for index in range(500):
        limiter.check(f"chat{index}")
    assert len(limiter) <= 100
    clock.now += 3  # burst/rate = 2.5 s: every bucket is full again
    limiter.check("new")
    assert len(limiter) == 1


def test_shipped_defaults_are_a_few_per_second_with_a_burst_of_five():
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert (settings.chat_rate, settings.chat_burst) == (2.0, 5)
    assert (
        Settings.from_env(
            {"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_CHAT_RATE": "0.5", "TELEGRAM_CHAT_BURST": "3"}
        ).chat_burst
        == 3
    )


@pytest.fixture
async def limited(telegram, rasa):
    """The bridge with the shipped rate-limit defaults."""
    defaults = Settings()
    bridge = TelegramBridge(
        Settings(
            token="123456:TEST-token-not-real",
            rasa_url=rasa.url,
            rasa_timeout=2.0,
            sender_key=b"k" * 32,
            api_base_url=telegram.url,
            chat_rate=defaults.chat_rate,
            chat_burst=defaults.chat_burst,
        )
    )
    harness = Harness(telegram, rasa, bridge)
    async with harness.app:
        yield harness
    await bridge.rasa.close()


async def test_a_flooding_chat_gets_one_friendly_reply_and_nothing_more_reaches_rasa(limited):
    for turn in range(12):
        await limited.feed(limited.updates.message(CHAT, f"spam {turn}"))
    assert [body["message"] for body in limited.rasa.received] == [f"spam {turn}" for turn in range(5)]
    texts = limited.telegram.sent_texts(CHAT)
    assert len(texts) == 6  # 5 answers + one "slow down", not one per refused message
    assert texts[-1] == content.text("telegram_slow_down", "en")
    assert "If someone is overdosing, call 911." in texts[-1]
    await limited.feed(limited.updates.message(CHAT + 1, "another person"))  # other chats go on
    assert limited.rasa.received[-1]["message"] == "another person"


async def test_slow_down_reply_is_in_french_for_a_french_user(limited):
    for turn in range(6):
        await limited.feed(limited.updates.message(CHAT, f"allo {turn}", language="fr"))
    reply = limited.telegram.sent_texts(CHAT)[-1]
    assert reply == content.text("telegram_slow_down", "fr") and "appelez le 911" in reply


async def test_refused_button_presses_are_still_answered_and_not_relayed(limited):
    data = limited.bridge.codec.encode("/help", limited.bridge.sender_id(CHAT))
    for _ in range(7):
        await limited.feed(limited.updates.button(CHAT, data))
    assert len(limited.telegram.called("answerCallbackQuery")) == 7  # no spinner left turning
    assert len(limited.rasa.received) == 5


async def test_group_chatter_not_for_the_bot_does_not_use_the_groups_budget(limited):
    for turn in range(20):
        await limited.feed(limited.updates.message(GROUP, f"chatter {turn}", kind="supergroup", user_id=11))
    await limited.feed(
        limited.updates.message(GROUP, "@gsdoa_test_bot can police arrest me", kind="supergroup", user_id=12)
    )
    assert [body["message"] for body in limited.rasa.received] == ["can police arrest me"]


# ---- signed button data ----------------------------------------------------------------------------------
async def test_forged_modified_or_other_chats_button_data_is_refused_calmly_and_never_relayed(harness):
    bridge = harness.bridge
    mine = bridge.codec.encode("/affirm", bridge.sender_id(CHAT))
    other_chat = bridge.codec.encode("/deny", bridge.sender_id(CHAT + 1))
    long_other_chat = bridge.codec.encode("p" * 90, bridge.sender_id(CHAT + 1))
    forged = [
        "/affirm",
        "/check_protection",
        '/set_language{"language":"fr"}',
        '/inform{"city":"Kelowna"}',
        mine[: -len("/affirm")] + "/deny",
        mine + "x",
        "0" + mine[1:],
        other_chat,
        long_other_chat,
        "#" + "A" * 32,
        "x" * 64,
    ]
    for data in forged:
        await harness.feed(harness.updates.button(CHAT, data))
    assert harness.rasa.received == []
    assert len(harness.telegram.called("answerCallbackQuery")) == len(forged)
    assert harness.telegram.sent_texts(CHAT) == [content.text("telegram_button_expired", "en")] * len(forged)
    assert bridge.language(_update(harness, CHAT)) == "en"  # the forged /set_language switched nothing
    await harness.feed(harness.updates.button(CHAT, mine))  # the real one still works
    assert [body["message"] for body in harness.rasa.received] == ["/affirm"]


def _update(harness, chat):
    from telegram import Update

    return Update.de_json(harness.updates.message(chat, "x"), harness.app.bot)


async def test_buttons_sent_to_a_chat_work_there_and_only_there(harness):
    harness.rasa.reply = lambda body: [{"text": "Pick", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    await harness.feed(harness.updates.message(CHAT, "check"))
    keyboard = harness.telegram.sent(CHAT)[0].params["reply_markup"]
    data = keyboard["inline_keyboard"][0][0]["callback_data"]
    await harness.feed(harness.updates.button(CHAT + 1, data, keyboard))  # replayed from another chat
    assert [body["message"] for body in harness.rasa.received] == ["check"]
    await harness.feed(harness.updates.button(CHAT, data, keyboard))
    assert harness.rasa.received[-1]["message"] == "/affirm"


async def test_buttons_survive_a_restart_with_the_same_sender_key(harness):
    data = harness.bridge.codec.encode("/affirm", harness.bridge.sender_id(CHAT))
    restarted = TelegramBridge(harness.bridge.settings)
    assert restarted.codec.decode(data, restarted.sender_id(CHAT)) == "/affirm"
    other_key = TelegramBridge(replace(harness.bridge.settings, sender_key=b"other" * 8))
    assert other_key.codec.decode(data, other_key.sender_id(CHAT)) is None
    await restarted.rasa.close()
    await other_key.rasa.close()


# ---- groups ------------------------------------------------------------------------------------------------
async def test_in_a_group_only_admins_can_forget(harness):
    harness.telegram.set_member(GROUP, ADMIN, "administrator")
    harness.telegram.set_member(GROUP, OWNER, "creator")
    for language in ("en", "fr"):
        await harness.feed(
            harness.updates.message(GROUP, "/forget", kind="supergroup", user_id=MEMBER, language=language)
        )
        reply = harness.telegram.sent_texts(GROUP)[-1]
        assert reply == content.text("telegram_forget_admins_only", language, bot="gsdoa_test_bot")
    assert harness.rasa.forgotten == []
    await harness.feed(harness.updates.message(GROUP, "/forget@gsdoa_test_bot", kind="supergroup", user_id=ADMIN))
    await harness.feed(harness.updates.message(GROUP, "/forget", kind="supergroup", user_id=OWNER))
    assert harness.rasa.forgotten == [harness.bridge.sender_id(GROUP)] * 2
    assert "erased" in harness.telegram.sent_texts(GROUP)[-1]
    asked = [(int(c.params["chat_id"]), int(c.params["user_id"])) for c in harness.telegram.called("getChatMember")]
    assert asked == [(GROUP, MEMBER), (GROUP, MEMBER), (GROUP, ADMIN), (GROUP, OWNER)]


async def test_an_anonymous_admin_can_forget_and_private_chats_need_no_check(harness):
    group_as_sender = {"id": GROUP, "type": "supergroup", "title": "Group"}
    await harness.feed(
        harness.updates.message(GROUP, "/forget", kind="supergroup", user_id=1087968824, sender_chat=group_as_sender)
    )
    await harness.feed(harness.updates.message(CHAT, "/forget"))
    assert harness.rasa.forgotten == [harness.bridge.sender_id(GROUP), harness.bridge.sender_id(CHAT)]
    assert harness.telegram.called("getChatMember") == []


async def test_if_telegram_cannot_say_who_is_admin_nothing_is_erased_and_the_user_is_told(harness):
    harness.telegram.fail_next("getChatMember", status=400, description="Bad Request: member not found")
    await harness.feed(harness.updates.message(GROUP, "/forget", kind="supergroup", user_id=ADMIN))
    assert harness.rasa.forgotten == []
    assert harness.telegram.sent_texts(GROUP)[-1] == content.text("telegram_forget_failed", "en")


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_the_check_started_in_a_group_suggests_a_private_chat(harness, language):
    intro = {
        "en": 'Let\'s check your situation with 4 quick questions. Type "stop" anytime to leave. This is '
        "general information, not legal advice.",
        "fr": gsdoa_content.response_texts("utter_check_intro")["fr"],
    }[language]
    harness.rasa.reply = lambda body: [
        {"text": intro},
        {"text": "1/4 — …", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
    ]
    await harness.feed(
        harness.updates.message(
            GROUP, "@gsdoa_test_bot am i protected", kind="supergroup", user_id=12, language=language
        )
    )
    texts = harness.telegram.sent_texts(GROUP)
    assert texts[0] == content.text("telegram_group_check_private", language, bot="gsdoa_test_bot")
    assert "@gsdoa_test_bot" in texts[0] and intro in texts[1]
    await harness.feed(harness.updates.message(CHAT, "am i protected", language=language))
    assert harness.telegram.sent_texts(CHAT)[0].startswith(intro[:20])  # private chat: no such note


async def test_other_group_answers_get_no_private_chat_note(harness):
    await harness.feed(
        harness.updates.message(GROUP, "@gsdoa_test_bot what is naloxone", kind="supergroup", user_id=12)
    )
    assert harness.telegram.sent_texts(GROUP) == ["echo what is naloxone"]
