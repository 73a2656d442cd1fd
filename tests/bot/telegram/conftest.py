"""Offline harness for the bridge: the fake Telegram Bot API (ops/fake_telegram.py) + a fake Rasa REST channel,
both on loopback, and the real bridge (PTB Application) pointed at them. No network, no token."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional

import pytest
from aiohttp import web
from telegram import Update

from bot.telegram.bridge import TelegramBridge
from bot.telegram.settings import Settings
from ops.fake_telegram import FakeTelegram, Updates

TOKEN = "123456:TEST-token-not-real"


class FakeRasa:
    """Rasa's REST channel as the bridge sees it; `reply` decides the answer to each message."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.forgotten: List[str] = []
        self.delay = 0.0
        self.reply: Callable[[Dict[str, Any]], List[Dict[str, Any]]] = lambda body: [{"text": f"echo {body['message']}"}]
        self.url = ""
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> "FakeRasa":
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._message)
        app.router.add_post("/webhooks/rest/forget", self._forget)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def _message(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.json_response(self.reply(body))

    async def _forget(self, request: web.Request) -> web.Response:
        self.forgotten.append((await request.json())["sender"])
        return web.json_response({"erased": True})

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


class Harness:
    def __init__(self, telegram: FakeTelegram, rasa: FakeRasa, bridge: TelegramBridge) -> None:
        self.telegram, self.rasa, self.bridge = telegram, rasa, bridge
        self.app = bridge.build_application()
        self.updates = Updates()

    async def feed(self, update: Dict[str, Any]) -> None:
        """Hand one update to the application, as the webhook or polling updater would."""
        await self.app.process_update(Update.de_json(update, self.app.bot))


def settings_for(telegram: FakeTelegram, rasa_url: str, **overrides: Any) -> Settings:
    # The per-chat rate limit is out of the way here (tests feed updates back to back); test_limits.py checks
    # the shipped defaults.
    values = dict(token=TOKEN, rasa_url=rasa_url, rasa_timeout=2.0, sender_key=b"k" * 32,
                  api_base_url=telegram.url, chat_rate=1000.0, chat_burst=1000)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def telegram():
    fake = await FakeTelegram().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def rasa():
    fake = await FakeRasa().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def harness(telegram, rasa):
    bridge = TelegramBridge(settings_for(telegram, rasa.url))
    harness = Harness(telegram, rasa, bridge)
    async with harness.app:
        yield harness
    await bridge.rasa.close()
