"""Talks to the Rasa server's REST channel (the only way the bridge reaches the bot).

In the cluster that is nginx's private loopback server (no per-IP rate limit, not marked public); in production
the Rasa Service directly."""

from __future__ import annotations

from typing import Any

import httpx

BRIDGE_HEADER = "X-GSDOA-Bridge"
INPUT_CHANNEL = "telegram"  # lets responses have Telegram-specific variants (`channel: telegram`)


class RasaUnavailable(Exception):
    """Rasa didn't answer in time, or answered something that isn't a list of messages."""


class RasaClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
        bridge_secret: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # X-GSDOA-Bridge: the REST channel accepts `tg-` sender ids only from the bridge (it checks this secret
        # when BRIDGE_SHARED_SECRET is set there too, and refuses them on nginx's public route in any case).
        headers = {BRIDGE_HEADER: bridge_secret} if bridge_secret else {}
        self._client = client or httpx.AsyncClient(
            timeout=timeout, headers=headers, limits=httpx.Limits(max_connections=64, max_keepalive_connections=32)
        )

    async def send(self, sender: str, message: str, language: str | None = None) -> list[dict[str, Any]]:
        """The bot's replies to one message, in order. `language` (the user's Telegram language, sent with a
        conversation's first message) is only a first guess: what the user writes, and /language, come first."""
        body: dict[str, Any] = {"sender": sender, "message": message, "input_channel": INPUT_CHANNEL}
        if language:
            body["metadata"] = {"language": language}
        try:
            reply = await self._client.post(f"{self.base_url}/webhooks/rest/webhook", json=body)
            reply.raise_for_status()
            messages = reply.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        if not isinstance(messages, list):
            raise RasaUnavailable("reply is not a list")
        return [m for m in messages if isinstance(m, dict)]

    async def forget(self, sender: str) -> bool:
        """Erase the conversation in Rasa's tracker store; True when Rasa confirms it."""
        try:
            reply = await self._client.post(f"{self.base_url}/webhooks/rest/forget", json={"sender": sender})
            return reply.status_code == 200 and reply.json().get("erased") is True
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    async def close(self) -> None:
        await self._client.aclose()
