"""Logging for the bridge: no message text, no Telegram ids, no sender ids, no token — ever.

What the libraries would write if let: httpx logs every request URL at INFO, and Bot API URLs contain the token
(`POST https://api.telegram.org/bot<TOKEN>/sendMessage`); PTB logs every call's parameters (chat id, text) and
whole updates at DEBUG, and dumps updates it can't parse at CRITICAL; exception messages carry URLs and tokens
(`The token … was rejected`). So, on the one handler everything goes through:
- third-party loggers (httpx, httpcore, telegram, aiohttp, tornado, asyncio…, and the root logger) pass only at
  WARNING and above, whatever level someone sets on them, and our own at the configured level;
- a third-party message keeps its format string (code, written by the library's authors) but not its
  arguments, where the data is (URLs, parameters, updates, request lines): numbers stay, anything else becomes
  `<…>`. Our own messages keep their arguments (we log only kinds of errors, never text or ids);
- every message is cleaned: update dumps replaced by a fixed sentence, secrets (token, webhook secret, bridge
  secret), anything shaped like a bot token or a `/bot…/` URL path, `tg-…` sender ids and numbers of 6+ digits
  (chat and user ids, phone numbers) removed;
- tracebacks keep where it happened (files, lines, functions, exception types) but no exception message."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import TextIO

OWN_LOGGERS = ("bot",)  # bot.telegram, bot.cards…
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "tornado",
    "aiohttp",
    "asyncio",
    "hpack",
    "h2",
    "py.warnings",
)
_UPDATE_DUMP = re.compile(
    r"(Received data was|Webhook received data|Can not load invalid JSON data|"
    r"Processing update|Calling Bot API endpoint|Call to Bot API endpoint)",
    re.I,
)
_PATTERNS = [
    (re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{10,}"), "<token>"),  # a bot token wherever it appears
    (re.compile(r"/bot[^/\s\"']+/"), "/bot<token>/"),  # Bot API URL paths
    (re.compile(r"\btg-[0-9a-f]{8,}"), "tg-<id>"),  # the bridge's sender ids
    (re.compile(r"(?<![\w.])-?\d{6,}(?![\w])"), "<number>"),  # chat/user ids, phone numbers
]
UPDATE_NOT_LOGGED = "A Telegram update or Bot API reply could not be processed (content not logged)."


def clean(message: str, secrets: Iterable[str] = ()) -> str:
    """The message without secrets, tokens, sender ids or long numbers."""
    for secret in secrets:
        if secret:
            message = message.replace(secret, "<redacted>")
    for pattern, replacement in _PATTERNS:
        message = pattern.sub(replacement, message)
    return message


def safe_traceback(exc_info) -> str:
    """Where an exception happened — frames and exception types of the whole chain — without any message."""
    _, value, _ = exc_info
    chain: list[BaseException] = []
    while value is not None and all(value is not seen for seen in chain):
        chain.append(value)
        value = value.__cause__ or value.__context__
    lines = ["Traceback (exception messages are not logged):\n"]
    for error in reversed(chain):
        lines.extend(traceback.format_list(traceback.extract_tb(error.__traceback__)))
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}\n")
    return "".join(lines).rstrip("\n")


def is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


class PrivacyFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = (), own_level: int = logging.INFO) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.own_level = own_level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < (self.own_level if is_own(record.name) else logging.WARNING):
            return False
        if not is_own(record.name) and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(a if isinstance(a, (int, float)) else "<…>" for a in args)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string (or %(name)s with our tuple): show nothing of its arguments
            message = f"{record.msg} (arguments not logged)" if isinstance(record.msg, str) else "(not logged)"
        if _UPDATE_DUMP.search(message):
            message = UPDATE_NOT_LOGGED
        record.msg, record.args = clean(message, self.secrets), None
        if record.exc_info:
            record.exc_text = safe_traceback(record.exc_info)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = clean(record.exc_text, self.secrets)
        record.stack_info = None
        return True


def configure_logging(
    secrets: Iterable[str] = (), level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """One stderr handler (or `stream`) on the root logger with the PrivacyFilter; returns it."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter(secrets, own_level=level))
    root.addHandler(handler)
    root.setLevel(min(level, logging.WARNING))
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)  # Python warnings go through the same filter (py.warnings logger)
    return handler
