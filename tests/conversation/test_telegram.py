"""The Telegram bridge in front of the real trained bot: PTB's webhook server in the test, the fake Bot API
(ops/fake_telegram.py) standing in for Telegram, the real Rasa + action servers behind it. Offline, no token."""

import asyncio
import json
from contextlib import asynccontextmanager

import httpx
import pytest

from bot.telegram.__main__ import serve
from bot.telegram.bridge import TelegramBridge
from bot.telegram.settings import Settings
from ops.fake_telegram import FakeTelegram, Updates
from ops.services import free_port

pytestmark = pytest.mark.servers
SECRET = "conversation-test-secret"
TOKEN = "987654:CONVERSATION-TEST"


class Telegram:
    """Posts updates to the bridge's webhook like Telegram does; reads what the bridge sent from the fake API."""

    def __init__(self, api: FakeTelegram, port: int) -> None:
        self.api, self.url, self.updates = api, f"http://127.0.0.1:{port}/telegram", Updates()
        self.client = httpx.AsyncClient(timeout=10)

    async def post(self, update, secret=SECRET) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return (await self.client.post(self.url, content=json.dumps(update), headers=headers)).status_code

    async def say(self, chat: int, update, replies: int = 1):
        """Send an update and wait for `replies` more messages to that chat; returns the new ones."""
        before = len(self.api.sent(chat))
        assert await self.post(update) == 200
        await self.api.wait_sent(chat, before + replies, timeout=60)
        await asyncio.sleep(0.3)  # anything sent right after (e.g. a photo) lands too
        return self.api.sent(chat)[before:]


@asynccontextmanager
async def bridge_in_front_of(rasa_url: str):
    api = await FakeTelegram().start()
    port = free_port()
    settings = Settings(
        token=TOKEN,
        mode="webhook",
        rasa_url=rasa_url,
        rasa_timeout=10,
        sender_key=b"c" * 32,
        webhook_port=port,
        webhook_url="https://bot.example.org",
        webhook_secret=SECRET,
        api_base_url=api.url,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(TelegramBridge(settings), stop))
    await api.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls), timeout=20)
    telegram = Telegram(api, port)
    try:
        yield telegram
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await telegram.client.aclose()
        await api.stop()


async def test_start_overdose_button_forget_long_and_sticker(bot):
    async with bridge_in_front_of(bot.base_url) as telegram:
        chat, updates = 424201, telegram.updates

        start = await telegram.say(chat, updates.message(chat, "/start"))
        text = start[0].params["text"]
        assert "not a person" in text and "911" in text
        keyboard = start[0].params["reply_markup"]
        titles = [row[0]["text"] for row in keyboard["inline_keyboard"]]
        assert "Am I protected if I call 911?" in titles

        overdose = await telegram.say(
            chat, updates.message(chat, "HELP my buddy is turning blue and wont wake up"), replies=2
        )
        assert overdose[0].method == "sendMessage" and overdose[0].params["text"].startswith("🚨 Call 911")
        assert overdose[1].method == "sendPhoto" and overdose[1].params["photo"]["bytes"] > 10_000

        pressed = next(
            row[0] for row in keyboard["inline_keyboard"] if row[0]["text"] == "Am I protected if I call 911?"
        )
        answered = len(telegram.api.called("answerCallbackQuery"))
        check = await telegram.say(chat, updates.button(chat, pressed["callback_data"], keyboard), replies=2)
        assert len(telegram.api.called("answerCallbackQuery")) == answered + 1
        assert check[0].params["text"] == "➡️ Am I protected if I call 911?"
        assert "1/4" in check[1].params["text"]

        forgot = await telegram.say(chat, updates.message(chat, "/forget"))
        assert "erased" in forgot[0].params["text"]
        after = await telegram.say(chat, updates.message(chat, "yes"))
        assert "2/4" not in after[0].params["text"]  # the check that was under way is gone

        long = await telegram.say(chat, updates.message(chat, "can the police arrest me if i call 911 " * 130))
        assert len("can the police arrest me if i call 911 " * 130) > 5000
        assert all(len(c.params["text"]) <= 4096 for c in long if c.method == "sendMessage")
        assert "first 1,000 characters" in "\n".join(c.params.get("text", "") for c in long)

        sticker = await telegram.say(chat, updates.sticker(chat))
        assert "only read text" in sticker[0].params["text"]


async def test_two_chats_have_separate_conversations(bot):
    async with bridge_in_front_of(bot.base_url) as telegram:
        first, second, updates = 424202, 424203, telegram.updates
        assert (
            "1/4"
            in (await telegram.say(first, updates.message(first, "am i protected? check for me")))[-1].params["text"]
        )
        reply = (await telegram.say(second, updates.message(second, "yes")))[0].params["text"]
        assert "2/4" not in reply


async def test_wrong_or_missing_secret_is_rejected_and_nothing_is_sent(bot):
    async with bridge_in_front_of(bot.base_url) as telegram:
        chat = 424204
        update = telegram.updates.message(chat, "my friend is overdosing")
        assert await telegram.post(update, secret="wrong") == 403
        assert await telegram.post(update, secret=None) == 403
        await asyncio.sleep(1.0)
        assert telegram.api.sent(chat) == []


async def test_a_429_from_telegram_is_retried_and_the_emergency_answer_delivered(bot):
    async with bridge_in_front_of(bot.base_url) as telegram:
        chat = 424205
        telegram.api.fail_next("sendMessage", status=429, retry_after=1)
        sent = await telegram.say(chat, telegram.updates.message(chat, "she overdosed and isnt breathing"), replies=2)
        assert sent[0].params["text"].startswith("🚨 Call 911")
        assert telegram.api.called("sendMessage!failed")


async def test_rasa_not_answering_gives_911_and_nors(bot):
    async with bridge_in_front_of(f"http://127.0.0.1:{free_port()}") as telegram:
        chat = 424206
        sent = await telegram.say(chat, telegram.updates.message(chat, "can i get arrested for calling"))
        assert "911" in sent[0].params["text"] and "1-888-688-6677" in sent[0].params["text"]
        start = await telegram.say(chat, telegram.updates.message(chat, "/emergency"), replies=2)
        assert start[0].params["text"].startswith("🚨 Call 911") and start[1].method == "sendPhoto"


async def test_in_a_group_the_check_suggests_a_private_chat_and_only_admins_can_forget(bot):
    async with bridge_in_front_of(bot.base_url) as telegram:
        group, member, admin, updates = -100424207, 4242071, 4242072, telegram.updates
        telegram.api.set_member(group, admin, "administrator")
        check = await telegram.say(
            group,
            updates.message(group, "@gsdoa_test_bot am i protected? check for me", kind="supergroup", user_id=member),
            replies=2,
        )
        assert "everyone here can read the answers" in check[0].params["text"]
        assert "@gsdoa_test_bot" in check[0].params["text"]
        assert "1/4" in "\n".join(c.params.get("text", "") for c in telegram.api.sent(group))
        refused = await telegram.say(group, updates.message(group, "/forget", kind="supergroup", user_id=member))
        assert "only the group's admins" in refused[0].params["text"]
        erased = await telegram.say(group, updates.message(group, "/forget", kind="supergroup", user_id=admin))
        assert "erased" in erased[0].params["text"]


async def test_a_forged_button_never_reaches_the_bot(bot):
    async with bridge_in_front_of(bot.base_url) as telegram:
        chat, updates = 424208, telegram.updates
        start = await telegram.say(chat, updates.message(chat, "/start"))
        keyboard = start[0].params["reply_markup"]
        pressed = keyboard["inline_keyboard"][0][0]["callback_data"]
        # a modified client: the bare intent, a payload with slots, another chat's signed data
        for data in ["/check_protection", '/inform{"city": "Kelowna"}', pressed]:
            target = chat if data != pressed else chat + 1
            reply = await telegram.say(target, updates.button(target, data, keyboard))
            assert reply[0].params["text"].startswith("That button is no longer available")
        working = await telegram.say(chat, updates.button(chat, pressed, keyboard), replies=2)
        assert working[0].params["text"].startswith("➡️")
