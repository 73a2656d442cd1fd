"""The real servers for conversation tests: the action server + Rasa with the trained model, on free loopback
ports, started once per test session (and a second Rasa without any action server for the outage tests)."""

from __future__ import annotations

import pytest

from ops.services import BotServices
from tests.support.chat import Chat
from tests.support.repo import ROOT

MODEL = ROOT / "models" / "gsdoa.tar.gz"


@pytest.fixture(scope="session")
def bot():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    with BotServices(model=MODEL) as services:
        yield services


@pytest.fixture(scope="session")
def bot_without_actions():
    """Rasa alone: its endpoints point at an action server port where nothing listens."""
    with BotServices(model=MODEL, start_actions=False) as services:
        yield services


@pytest.fixture
def chat(bot) -> Chat:
    return Chat(bot)
