"""Turns Rasa's REST replies into Telegram messages: safe HTML, merged bubbles, split long texts, buttons.

Pure functions, no network: what is sent is decided here and tested without Telegram."""
from __future__ import annotations

import hashlib
import html
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

MAX_MESSAGE_CHARS = 4096       # Telegram's limit for one text message
CHUNK_CHARS = 4000             # what we put in one message (room for the escaping Telegram counts after parsing)
MAX_CALLBACK_BYTES = 64        # Telegram's limit for callback_data
MAX_BUTTON_TITLE = 60
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


@dataclass
class Outgoing:
    """One message to send: text (with optional buttons) or a photo (a URL from Rasa)."""
    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    photo: Optional[str] = None


def to_html(text: str) -> str:
    """Plain text as Telegram HTML: everything escaped, http(s) links made clickable (nothing else is a link)."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(html.escape(text[last:match.start()], quote=False))
        url = match.group(0)
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>')
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


def split_text(text: str, limit: int = CHUNK_CHARS) -> List[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line, sentence or word boundary if possible."""
    pieces: List[str] = []
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


def plan_replies(messages: List[Dict[str, Any]]) -> List[Outgoing]:
    """Rasa messages -> Telegram messages. Consecutive texts are merged into one bubble (Telegram limits a chat
    to about one message a second), buttons stay with the text they came with, images become photos,
    long texts are split (buttons go on the last piece)."""
    planned: List[Outgoing] = []
    pending: List[str] = []

    def flush(buttons: Optional[List[Dict[str, str]]] = None) -> None:
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
    """Button payloads <-> Telegram callback_data (1-64 bytes).

    Payloads that fit are sent as they are (a restart of the bridge doesn't break old buttons). Longer ones get a
    short digest key, remembered in a bounded table of bot-authored payloads (never user text)."""

    PREFIX = "#"

    def __init__(self, capacity: int = 5000) -> None:
        self.capacity = capacity
        self._long: "OrderedDict[str, str]" = OrderedDict()

    def encode(self, payload: str) -> str:
        if payload and len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(self.PREFIX):
            return payload
        key = self.PREFIX + hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self.capacity:
            self._long.popitem(last=False)
        return key

    def decode(self, data: Optional[str]) -> Optional[str]:
        """The payload for a pressed button, or None when it is unknown (e.g. from before a restart)."""
        if not data:
            return None
        if data.startswith(self.PREFIX):
            return self._long.get(data)
        return data


def button_rows(buttons: List[Dict[str, str]], codec: CallbackCodec) -> List[List[Dict[str, str]]]:
    """One button per row (titles stay readable on a phone); titles shortened to fit."""
    rows = []
    for button in buttons:
        title = str(button["title"])
        if len(title) > MAX_BUTTON_TITLE:
            title = title[:MAX_BUTTON_TITLE - 1] + "…"
        payload = str(button.get("payload") or button["title"])
        rows.append([{"text": title, "callback_data": codec.encode(payload)}])
    return rows
