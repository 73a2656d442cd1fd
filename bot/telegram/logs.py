"""Logging for the bridge: no message text, no Telegram ids, no token — ever.

httpx logs every request URL at INFO, and Bot API URLs contain the token; PTB's webhook handler logs whole
updates at DEBUG and on parse errors. So third-party loggers stay at WARNING, and a filter on our handler
removes the token/secrets from anything that still gets through and drops update dumps."""
from __future__ import annotations

import logging
import re
from typing import Iterable

_UPDATE_DUMP = re.compile(r"(Received data was|Webhook received data)", re.I)


class PrivacyFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _UPDATE_DUMP.search(message):
            message = "A Telegram update could not be processed (content not logged)."
        for secret in self.secrets:
            message = message.replace(secret, "<redacted>")
        record.msg, record.args = message, None
        if record.exc_info and record.name.startswith("telegram.ext._utils.webhookhandler"):
            record.exc_info = None
        return True


def configure_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "tornado"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
