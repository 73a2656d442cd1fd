"""Fixtures for the bridge tests: the fake Telegram Bot API and fake Rasa on loopback, and the real bridge pointed
at them (the helpers themselves: tests/support/bridge.py). No network, no token."""

from __future__ import annotations

import pytest

from bot.telegram.bridge import TelegramBridge
from ops.fake_telegram import FakeTelegram
from tests.support.bridge import FakeRasa, Harness, settings_for


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
