"""Both ways updates arrive — the real PTB webhook server and polling through getUpdates — and Telegram's 429."""

import asyncio
import json
from contextlib import asynccontextmanager

import httpx

from bot.telegram.__main__ import serve
from bot.telegram.bridge import TelegramBridge
from ops.bench_common import wait_listening
from ops.fake_telegram import Updates
from ops.services import free_port
from tests.support.bridge import settings_for

CHAT = 777001
SECRET = "the-right-secret_123"


@asynccontextmanager
async def running(settings):
    bridge = TelegramBridge(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(bridge, stop))
    try:
        yield bridge
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_webhook_checks_the_secret_on_every_request(telegram, rasa):
    port = free_port()
    settings = settings_for(
        telegram,
        rasa.url,
        mode="webhook",
        webhook_port=port,
        webhook_path="telegram",
        webhook_url="https://bot.example.org",
        webhook_secret=SECRET,
    )
    updates = Updates()
    async with running(settings):
        await wait_listening(port, timeout=5)
        registered = telegram.called("setWebhook")[0].params
        assert registered["url"] == "https://bot.example.org/telegram" and registered["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient() as client:
            body = json.dumps(updates.message(CHAT, "hello from a forger"))
            missing = await client.post(url, content=body, headers={"Content-Type": "application/json"})
            wrong = await client.post(
                url,
                content=body,
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "guess"},
            )
            assert missing.status_code == 403 and wrong.status_code == 403
            await asyncio.sleep(0.5)
            assert rasa.received == [] and telegram.sent(CHAT) == []

            good = await client.post(
                url,
                content=json.dumps(updates.message(CHAT, "can police arrest me")),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert good.status_code == 200
        await telegram.wait_sent(CHAT, 1)
    assert rasa.received[0]["message"] == "can police arrest me"
    assert telegram.sent_texts(CHAT) == ["echo can police arrest me"]


async def test_polling_gets_updates_from_get_updates(telegram, rasa):
    updates = Updates()
    async with running(settings_for(telegram, rasa.url)):
        await telegram.queue_update(updates.message(CHAT, "/start"))
        await telegram.queue_update(updates.message(CHAT, "where can i get naloxone"))
        await telegram.wait_sent(CHAT, 2)
    assert [b["message"] for b in rasa.received] == ["/greet", "where can i get naloxone"]
    assert [c.params.get("language_code") for c in telegram.called("setMyCommands")] == [None, "fr"]
    assert telegram.called("deleteWebhook")  # polling clears any webhook first


async def test_a_429_from_telegram_is_retried_and_delivered(telegram, rasa):
    telegram.fail_next("sendMessage", status=429, retry_after=1)
    updates = Updates()
    async with running(settings_for(telegram, rasa.url)):
        await telegram.queue_update(updates.message(CHAT, "hi"))
        await telegram.wait_sent(CHAT, 1, timeout=20)
    assert [c.method for c in telegram.calls if c.method.startswith("sendMessage")] == [
        "sendMessage!failed",
        "sendMessage",
    ]
    assert telegram.sent_texts(CHAT) == ["echo hi"]


async def test_network_errors_are_retried_with_backoff(telegram, rasa):
    telegram.fail_next("sendMessage", status=502, times=2, description="Bad Gateway")
    updates = Updates()
    async with running(settings_for(telegram, rasa.url)):
        await telegram.queue_update(updates.message(CHAT, "hi"))
        await telegram.wait_sent(CHAT, 1, timeout=20)
    assert telegram.sent_texts(CHAT) == ["echo hi"]
    assert len(telegram.called("sendMessage!failed")) == 2
