"""One conversation with the real bot over REST (bot/rest_client.py), for the conversation tests (fixtures:
tests/conversation/conftest.py)."""

from __future__ import annotations

import uuid

from bot import rest_client
from ops.services import BotServices


class Chat:
    """One conversation with the bot over REST."""

    def __init__(self, services: BotServices) -> None:
        self.services = services
        self.sender = "test-" + uuid.uuid4().hex[:12]

    def raw(self, body: object, content_type: str = "application/json"):
        """(status, reply) for any body, unchecked (bad input tests)."""
        return rest_client.post_json(self.services.rest_url, body, {"Content-Type": content_type}, timeout=60)

    def send(self, message: str, metadata: dict | None = None) -> list[dict]:
        return rest_client.send(self.services.rest_url, self.sender, message, metadata, timeout=60)

    def forget(self) -> bool:
        return rest_client.forget(self.services.rest_url, self.sender)

    def say(self, message: str, metadata: dict | None = None) -> str:
        return reply_text(self.send(message, metadata))


def reply_text(messages: list[dict]) -> str:
    parts = []
    for message in messages:
        if message.get("text"):
            parts.append(message["text"])
        parts += [str(b.get("title", "")) for b in message.get("buttons") or []]
    return "\n".join(parts)
