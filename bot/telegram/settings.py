"""The bridge's settings, all from environment variables (documented in the README's Telegram section)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_RASA_URL = "http://127.0.0.1:5005"


class ConfigError(ValueError):
    """A setting is missing or wrong; the message says which environment variable to set and how."""


@dataclass(frozen=True)
class Settings:
    token: str = ""
    mode: str = "polling"  # polling (demo laptop) | webhook (production, behind HTTPS)
    rasa_url: str = DEFAULT_RASA_URL
    rasa_timeout: float = 10.0  # seconds before the user gets the "try again + 911" message
    sender_key: bytes = b""  # HMAC key turning chat ids into Rasa sender ids
    sender_key_is_random: bool = False
    webhook_listen: str = "127.0.0.1"  # where PTB's webhook server listens (a reverse proxy in front)
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    webhook_url: str | None = None  # public HTTPS URL Telegram posts to (443, 80, 88 or 8443)
    webhook_secret: str | None = None  # Telegram echoes it in X-Telegram-Bot-Api-Secret-Token
    api_base_url: str | None = None  # a local Bot API server (or the tests' fake)
    chat_rate: float = 2.0  # messages per second one chat may send on average …
    chat_burst: int = 5  # … and at once; more get one "slow down" reply (bot/telegram/limits.py)
    bridge_secret: str | None = None  # sent to Rasa as X-GSDOA-Bridge (the REST channel checks it when set)
    log_level: str = "INFO"  # the bridge's own logger; third-party loggers stay at WARNING

    @property
    def callback_key(self) -> bytes:
        """The key signing button data (derived from the sender key, so buttons survive a restart when the
        sender key is configured)."""
        return hmac.new(self.sender_key, b"gsdoa telegram callback_data", hashlib.sha256).digest()

    def __repr__(self) -> str:  # never print secrets, even by accident
        return (
            f"Settings(mode={self.mode!r}, rasa_url={self.rasa_url!r}, webhook_listen={self.webhook_listen!r}, "
            f"webhook_port={self.webhook_port}, webhook_url={self.webhook_url!r})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram and "
                "export TELEGRAM_BOT_TOKEN=<the token it gives you> (README, 'Telegram')."
            )
        mode = env.get("TELEGRAM_MODE", "polling").strip().lower()
        if mode not in {"polling", "webhook"}:
            raise ConfigError("TELEGRAM_MODE must be 'polling' or 'webhook'.")
        key = env.get("TELEGRAM_SENDER_KEY", "").encode("utf-8")
        random_key = not key
        if random_key:
            if mode == "webhook":
                raise ConfigError(
                    "TELEGRAM_SENDER_KEY is not set: in webhook mode set a long random secret "
                    "(e.g. `openssl rand -hex 32`) so conversation ids stay stable across restarts."
                )
            key = secrets.token_bytes(32)
        try:
            timeout = float(env.get("TELEGRAM_RASA_TIMEOUT", "10"))
            port = int(env.get("TELEGRAM_WEBHOOK_PORT", "8443"))
            chat_rate = float(env.get("TELEGRAM_CHAT_RATE", "2"))
            chat_burst = int(env.get("TELEGRAM_CHAT_BURST", "5"))
        except ValueError as error:
            raise ConfigError(
                "TELEGRAM_RASA_TIMEOUT, TELEGRAM_WEBHOOK_PORT, TELEGRAM_CHAT_RATE and "
                "TELEGRAM_CHAT_BURST must be numbers."
            ) from error
        if chat_rate <= 0 or chat_burst < 1:
            raise ConfigError("TELEGRAM_CHAT_RATE must be > 0 and TELEGRAM_CHAT_BURST >= 1.")
        log_level = env.get("TELEGRAM_LOG_LEVEL", "INFO").strip().upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError("TELEGRAM_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
        secret = env.get("TELEGRAM_WEBHOOK_SECRET") or None
        url = (env.get("TELEGRAM_WEBHOOK_URL") or "").strip() or None
        if mode == "webhook":
            if not secret or not _SECRET_TOKEN.match(secret):
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_SECRET must be set to 1-256 characters of A-Z a-z 0-9 _ - "
                    "(e.g. `openssl rand -hex 32`); every webhook request is checked against it."
                )
            if not url or not url.startswith("https://"):
                raise ConfigError("TELEGRAM_WEBHOOK_URL must be the public https:// URL Telegram posts updates to.")
        return cls(
            token=token,
            mode=mode,
            rasa_url=env.get("RASA_URL", DEFAULT_RASA_URL).rstrip("/"),
            rasa_timeout=timeout,
            sender_key=key,
            sender_key_is_random=random_key,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=port,
            webhook_path=env.get("TELEGRAM_WEBHOOK_PATH", "telegram").strip("/"),
            webhook_url=url,
            webhook_secret=secret,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            chat_rate=chat_rate,
            chat_burst=chat_burst,
            bridge_secret=env.get("BRIDGE_SHARED_SECRET") or None,
            log_level=log_level,
        )

    @property
    def secret_values(self) -> list:
        """What must never appear in a log line."""
        return [s for s in (self.token, self.webhook_secret, self.bridge_secret) if s]

    @property
    def logging_level(self) -> int:
        return getattr(logging, self.log_level)
