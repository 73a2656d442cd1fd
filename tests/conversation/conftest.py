"""The real servers for conversation tests: the action server + Rasa with the trained model, on free loopback
ports, started once per test session (and a second Rasa without any action server for the outage tests)."""
from __future__ import annotations

import uuid
from typing import Dict, List, Optional

import pytest

from bot import rest_client
from ops.services import BotServices
from tests.support.repo import ROOT

MODEL = ROOT / "models" / "gsdoa.tar.gz"


class Chat:
    """One conversation with the bot over REST."""

    def __init__(self, services: BotServices) -> None:
        self.services = services
        self.sender = "test-" + uuid.uuid4().hex[:12]

    def raw(self, body: object, content_type: str = "application/json"):
        """(status, reply) for any body, unchecked (bad input tests)."""
        return rest_client.post_json(self.services.rest_url, body, {"Content-Type": content_type}, timeout=60)

    def send(self, message: str, metadata: Optional[Dict] = None) -> List[Dict]:
        return rest_client.send(self.services.rest_url, self.sender, message, metadata, timeout=60)

    def forget(self) -> bool:
        return rest_client.forget(self.services.rest_url, self.sender)

    def say(self, message: str, metadata: Optional[Dict] = None) -> str:
        return reply_text(self.send(message, metadata))


def reply_text(messages: List[Dict]) -> str:
    parts = []
    for message in messages:
        if message.get("text"):
            parts.append(message["text"])
        parts += [str(b.get("title", "")) for b in message.get("buttons") or []]
    return "\n".join(parts)


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
