"""The one client of the bot's REST channel (gsdoa_nlu/channels.py) for the terminal chat, ops (services, benches)
and the tests. Standard library only: no rasa, no spacy. (The Telegram bridge has its own async client,
bot/telegram/rasa_client.py.)

    send(url, sender, text, metadata=None) -> the bot's messages (a list of dicts)
    forget(url, sender) -> True when the conversation was erased
    post_json(url, body, headers=None) -> (status, parsed reply): no check, for tests of bad input

`url` is the REST webhook, e.g. http://127.0.0.1:5005/webhooks/rest/webhook; forget uses the channel's
/webhooks/rest/forget next to it. send and forget raise BotUnreachable (nothing answers) or RestError (an HTTP
error status or a reply that isn't what the channel sends), with the status and the start of the reply.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

WEBHOOK_SUFFIX = "/webhook"


class RestError(RuntimeError):
    """The REST channel answered with an error status, or with something that is not its reply."""

    def __init__(self, url: str, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url, self.status, self.body = url, status, body


class BotUnreachable(RestError):
    """Nothing answered at the URL (connection refused or reset, timeout, bad address)."""


def forget_url(rest_url: str) -> str:
    """The channel's forget endpoint next to its webhook (…/webhooks/rest/webhook -> …/webhooks/rest/forget)."""
    base = rest_url[: -len(WEBHOOK_SUFFIX)] if rest_url.endswith(WEBHOOK_SUFFIX) else rest_url.rstrip("/")
    return base + "/forget"


def post_json(
    url: str, body: object, headers: Mapping[str, str] | None = None, timeout: float = 60.0
) -> tuple[int, Any]:
    """POST `body` (JSON-encoded; bytes are sent as they are) and return (status, reply): the reply parsed as JSON,
    or its text when it isn't JSON. HTTP error statuses are returned, not raised; a server that can't be reached
    raises OSError (urllib.error.URLError, ConnectionError, TimeoutError)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **dict(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            raw, status = reply.read(), reply.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def _call(url: str, body: dict[str, Any], headers: Mapping[str, str] | None, timeout: float) -> Any:
    try:
        status, reply = post_json(url, body, headers, timeout)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise BotUnreachable(url, f"the bot is not reachable ({reason})") from error
    if status != 200:
        raise RestError(url, f"HTTP {status}: {str(reply)[:300]}", status, reply)
    return reply


def send(
    url: str,
    sender: str,
    text: str,
    metadata: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    """One message from `sender`; the bot's messages (text, buttons, image, custom) in order."""
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    reply = _call(url, body, headers, timeout)
    if not isinstance(reply, list) or not all(isinstance(message, dict) for message in reply):
        raise RestError(url, f"not a list of messages: {str(reply)[:300]}", 200, reply)
    return reply


def forget(url: str, sender: str, headers: Mapping[str, str] | None = None, timeout: float = 30.0) -> bool:
    """Erase `sender`'s conversation (the channel's /forget); True when the channel says it was erased."""
    target = forget_url(url)
    reply = _call(target, {"sender": sender}, headers, timeout)
    if not isinstance(reply, dict) or "erased" not in reply:
        raise RestError(target, f"not a forget reply: {str(reply)[:300]}", 200, reply)
    return bool(reply["erased"])


def texts(messages: list[dict[str, Any]]) -> str:
    """The text of the bot's messages, one per line (buttons, images and custom payloads left out)."""
    return "\n".join(message.get("text") or "" for message in messages if isinstance(message, dict))
