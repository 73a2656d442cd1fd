"""Turns Rasa's REST replies into Telegram messages: safe HTML, merged bubbles, split long texts, buttons.

Pure functions, no network: what is sent is decided here and tested without Telegram."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# Telegram takes at most 4,096 characters in one text message; we put this many (room for the escaping Telegram
# counts after parsing).
CHUNK_CHARS = 4000
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
MAX_BUTTON_TITLE = 60
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


@dataclass
class Outgoing:
    """One message to send: text (with optional buttons) or a photo (a URL from Rasa)."""

    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    photo: str | None = None


def to_html(text: str) -> str:
    """Plain text as Telegram HTML: everything escaped, http(s) links made clickable (nothing else is a link)."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(html.escape(text[last : match.start()], quote=False))
        url = match.group(0)
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>')
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line, sentence or word boundary if possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = max(window.rfind(". "), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def requested_cards(messages: list[dict[str, Any]]) -> list[str]:
    """The cards a reply asks for, once each in order: a response's `custom: {card: <name>}` (Rasa's REST channel
    sends it as a message of its own, after the response's text)."""
    names: list[str] = []
    for message in messages:
        custom = message.get("custom")
        name = custom.get("card") if isinstance(custom, dict) else None
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names


def plan_replies(messages: list[dict[str, Any]]) -> list[Outgoing]:
    """Rasa messages -> Telegram messages. Consecutive texts are merged into one bubble (Telegram limits a chat
    to about one message a second), buttons stay with the text they came with, images become photos,
    long texts are split (buttons go on the last piece). `custom` payloads are instructions to the bridge
    (requested_cards), never text: they are not sent."""
    planned: list[Outgoing] = []
    pending: list[str] = []

    def flush(buttons: list[dict[str, str]] | None = None) -> None:
        if not pending and not buttons:
            return
        pieces = split_text("\n\n".join(pending)) or [""]
        for piece in pieces[:-1]:
            planned.append(Outgoing(text=piece))
        planned.append(Outgoing(text=pieces[-1], buttons=buttons or []))
        pending.clear()

    for message in messages:
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            pending.append(text.strip())
        buttons = [b for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
        if buttons:
            if not pending:
                pending.append("⬇️")  # Telegram needs some text to hang buttons on
            flush(buttons)
        image = message.get("image")
        if isinstance(image, str) and image.startswith(("https://", "http://")):
            flush()
            planned.append(Outgoing(photo=image))
    flush()
    return planned


class CallbackCodec:
    """Button payloads <-> Telegram callback_data (1-64 bytes), signed: a modified client can send any
    callback_data it likes, so only data this bridge made, for this chat, is accepted.

    The data is a tag (HMAC-SHA256 of the chat's sender id and the payload, truncated) followed by the payload
    when both fit in 64 bytes. Longer payloads get a longer tag as their key, remembered in a bounded table of
    bot-authored payloads (never user text). Data with a wrong tag, from another chat, or unknown -> None."""

    PREFIX = "#"
    TAG_CHARS = 12  # 72 bits: guessing one by pressing buttons would take longer than the universe has
    KEY_CHARS = 32

    def __init__(self, key: bytes | None = None, capacity: int = 5000) -> None:
        self.key = key or secrets.token_bytes(32)
        self.capacity = capacity
        self._long: OrderedDict[str, str] = OrderedDict()

    def _tag(self, scope: str, payload: str, chars: int) -> str:
        mac = hmac.new(self.key, scope.encode("utf-8") + b"\x00" + payload.encode("utf-8"), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode("ascii")[:chars]

    def encode(self, payload: str, scope: str = "") -> str:
        inline = self._tag(scope, payload, self.TAG_CHARS) + payload
        if payload and len(inline.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return inline
        key = self.PREFIX + self._tag(scope, payload, self.KEY_CHARS)
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self.capacity:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str | None, scope: str = "") -> str | None:
        """The payload of a pressed button, or None when the data isn't ours for this chat (forged, modified,
        from another chat) or is no longer known (a long payload from before a restart)."""
        if not data:
            return None
        if data.startswith(self.PREFIX):
            payload = self._long.get(data)
            if payload is None or not hmac.compare_digest(data[1:], self._tag(scope, payload, self.KEY_CHARS)):
                return None
            return payload
        tag, payload = data[: self.TAG_CHARS], data[self.TAG_CHARS :]
        if not payload or not hmac.compare_digest(
            tag.encode("utf-8"), self._tag(scope, payload, self.TAG_CHARS).encode("ascii")
        ):
            return None
        return payload


def button_rows(buttons: list[dict[str, str]], codec: CallbackCodec, scope: str = "") -> list[list[dict[str, str]]]:
    """One button per row (titles stay readable on a phone); titles shortened to fit."""
    rows = []
    for button in buttons:
        title = str(button["title"])
        if len(title) > MAX_BUTTON_TITLE:
            title = title[: MAX_BUTTON_TITLE - 1] + "…"
        payload = str(button.get("payload") or button["title"])
        rows.append([{"text": title, "callback_data": codec.encode(payload, scope)}])
    return rows
