"""Which web pages may use the bot from a browser: the one list behind Rasa's `--cors` and the chat frame's CSP
`frame-ancestors` (bot/web/server.py, deploy/nginx.conf.template, ops/ start-up). Standard library only."""

from __future__ import annotations

import os
import re

_ORIGIN = re.compile(
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$"
)


def allowed_origins(value: str | None = None) -> list[str]:
    """WEB_ALLOWED_ORIGINS (or `value`): the sites that may embed the web chat. The one setting behind both
    `rasa run --cors` and the chat frame's CSP `frame-ancestors` (bot/web/server.py, deploy/nginx.conf.template).
    Each entry must be one exact origin (`https://host[:port]`, no path); `*`, `null` or a pattern is refused."""
    raw = os.environ.get("WEB_ALLOWED_ORIGINS", "") if value is None else value
    origins: list[str] = []
    for item in raw.replace(",", " ").split():
        origin = item.rstrip("/")
        if "*" in origin or not _ORIGIN.match(origin):
            raise ValueError(
                f"WEB_ALLOWED_ORIGINS: {item!r} is not an origin like https://www.example.org — list "
                "each site that embeds the chat, separated by spaces; '*' (any site) is never allowed."
            )
        if origin.lower() not in origins:
            origins.append(origin.lower())
    return origins


def web_origins(*ports: int) -> list[str]:
    """The pages that may call Rasa from a browser and embed the chat frame: this machine's demo page and embed
    example on `ports` (localhost and 127.0.0.1), plus WEB_ALLOWED_ORIGINS (checked by allowed_origins)."""
    origins = [f"http://{host}:{port}" for port in ports if port for host in ("localhost", "127.0.0.1")]
    return origins + [origin for origin in allowed_origins() if origin not in origins]
