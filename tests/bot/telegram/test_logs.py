"""configure_logging: with the bridge's configuration, no logger — ours, root, httpx, httpcore, telegram, aiohttp,
tornado, asyncio — outputs message text, the token, secrets, chat/user ids or sender ids, at any level, including
the real calls those libraries make (httpx's request URLs hold the token; PTB logs parameters and updates)."""

import io
import json
import logging

import httpx
import pytest
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.telegram.logs import UPDATE_NOT_LOGGED, PrivacyFilter, configure_logging
from tests.support.bridge import TOKEN

MARKER = "zebra-marker-7781 my name is Kelsey Brightwater"
CHAT = 5550001234
USER = 778899001
SENDER = "tg-" + "0123456789abcdef" * 2
WEBHOOK_SECRET = "webhook-secret_XYZ"
LOGGERS = [
    "",
    "root",
    "bot.telegram",
    "httpx",
    "httpcore",
    "httpcore.http11",
    "httpcore.connection",
    "telegram",
    "telegram.Bot",
    "telegram.ext.Application",
    "telegram.ext.Updater",
    "telegram.ext._utils.webhookhandler",
    "telegram.ext._utils.networkloop",
    "telegram.request",
    "aiohttp",
    "aiohttp.access",
    "aiohttp.client",
    "aiohttp.server",
    "aiohttp.web",
    "tornado.access",
    "tornado.application",
    "tornado.general",
    "asyncio",
]
LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL]


def leaks(output: str):
    return [
        item
        for item in (
            MARKER,
            "Kelsey",
            "zebra",
            TOKEN,
            TOKEN.split(":")[1],
            WEBHOOK_SECRET,
            str(CHAT),
            str(USER),
            SENDER,
            SENDER[3:],
        )
        if item in output
    ]


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = configure_logging(secrets=[TOKEN, WEBHOOK_SECRET], level=logging.DEBUG, stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)
    logging.captureWarnings(False)


def update_json():
    return {
        "update_id": 1,
        "message": {
            "message_id": 2,
            "date": 0,
            "text": MARKER,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "Kelsey"},
        },
    }


def the_most_verbose_calls(name: str, level: int) -> None:
    """What the libraries log (their real format strings), at every level, plus anything shaped like it."""
    log = logging.getLogger(name)
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    log.log(level, 'HTTP Request: %s %s "%s %d %s"', "POST", httpx.URL(url), "HTTP/1.1", 200, "OK")  # httpx
    log.log(level, "send_request_headers.started request=<Request [b'POST']> url=%s", url)  # httpcore
    log.log(
        level,
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",  # PTB
        {"chat_id": CHAT, "text": MARKER},
    )
    log.log(level, "Error while parsing updates! Received data was %r", [update_json()])
    log.log(level, "Webhook received data: %s", json.dumps(update_json()))
    log.log(level, 'Can not load invalid JSON data: "%s"', f'{{"ok": true, "text": "{MARKER}", "chat_id": {CHAT}')
    log.log(level, '%s "POST /telegram HTTP/1.1" 403 - %s', "127.0.0.1", WEBHOOK_SECRET)  # aiohttp
    if name != "bot.telegram":  # free text from a library (our own code logs only kinds of errors, never text)
        log.log(level, "Conversation %s of chat %d said %s", SENDER, CHAT, MARKER[:11])
        log.log(level, f"Conversation {SENDER} of chat {CHAT} (pre-formatted)")
    else:
        log.log(level, "Rasa did not answer (%s) for %s", "TimeoutError", SENDER)
    try:
        try:
            raise InvalidToken("Unauthorized")
        except InvalidToken as inner:
            raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.") from inner
    except InvalidToken:
        log.log(level, "Invalid token; aborting", exc_info=True)
    try:
        raise ValueError(f"bad update {MARKER} from {CHAT} ({SENDER})")
    except ValueError:
        log.log(level, "Handling an update failed", exc_info=True, stack_info=True)


def test_no_logger_at_any_level_outputs_text_ids_or_secrets(captured):
    for name in LOGGERS:
        for level in LEVELS:
            the_most_verbose_calls(name, level)
    output = captured.getvalue()
    assert leaks(output) == []
    # Not vacuous: warnings and errors of the libraries still show, cleaned.
    assert 'httpx: HTTP Request: <…> <…> "<…> 200 <…>"' in output
    assert "bot.telegram: Rasa did not answer (TimeoutError) for tg-<id>" in output
    assert f"CRITICAL telegram.ext._utils.webhookhandler: {UPDATE_NOT_LOGGED}" in output
    assert "telegram.error.InvalidToken" in output and "test_logs.py" in output  # where it happened, no message
    assert "tg-<id>" in output and "<number>" in output


def test_third_party_debug_and_info_never_pass_even_if_their_level_is_changed_later(captured):
    for name in ("httpx", "httpcore", "telegram", "aiohttp.access", "tornado.access"):
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).info("request %s", "anything")
        logging.getLogger(name).debug("request %s", "anything")
    logging.getLogger("bot.telegram").debug("our own debug line")
    output = captured.getvalue()
    assert "anything" not in output and "our own debug line" in output
    for name in ("httpx", "httpcore", "telegram", "aiohttp.access", "tornado.access"):
        logging.getLogger(name).setLevel(logging.WARNING)


def test_the_configured_levels(captured):
    for name in ("httpx", "httpcore", "telegram", "aiohttp", "tornado", "asyncio", "apscheduler"):
        assert logging.getLogger(name).level == logging.WARNING, name
    assert logging.getLogger("bot.telegram").getEffectiveLevel() == logging.DEBUG
    stream = io.StringIO()
    handler = configure_logging(secrets=[TOKEN], level=logging.INFO, stream=stream)
    logging.getLogger("bot.telegram").debug("hidden at INFO")
    logging.getLogger("bot.telegram").info("shown at INFO")
    assert "hidden" not in stream.getvalue() and "shown at INFO" in stream.getvalue()
    assert len(logging.getLogger().handlers) == 1  # configure_logging replaced the earlier handler
    logging.getLogger().removeHandler(handler)


async def test_real_httpx_and_ptb_calls_log_no_token_text_or_ids(captured, telegram):
    """The libraries' own calls, at their own levels: httpx requests a URL with the token; PTB sends a message."""
    async with httpx.AsyncClient() as client:
        await client.post(f"{telegram.url}/bot{TOKEN}/getMe")
    bot = Bot(TOKEN, base_url=f"{telegram.url}/bot")
    async with bot:
        await bot.send_message(chat_id=CHAT, text=MARKER)
        telegram.fail_next("sendMessage", status=200, raw=f'{{"ok": tru {MARKER} {CHAT}'.encode())
        with pytest.raises(TelegramError, match="Invalid server response"):
            await bot.send_message(chat_id=CHAT, text=MARKER)
    assert telegram.sent_texts(CHAT) == [MARKER]  # the calls really happened
    output = captured.getvalue()
    assert leaks(output) == []
    assert UPDATE_NOT_LOGGED in output  # PTB's "Can not load invalid JSON data" error was logged, cleaned


def record(message, *args, name="bot.telegram"):
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)


def test_token_and_secrets_are_redacted():
    item = record("POST https://api.telegram.org/bot%s/sendMessage with %s", "123:SECRET", "the-webhook-secret")
    PrivacyFilter(["123:SECRET", "the-webhook-secret"]).filter(item)
    assert "SECRET" not in item.getMessage() and "the-webhook-secret" not in item.getMessage()


def test_update_dumps_are_replaced():
    item = record(
        "Webhook received data: %s",
        '{"message": {"text": "my name is Sam", "chat": {"id": 99}}}',
        name="telegram.ext._utils.webhookhandler",
    )
    PrivacyFilter().filter(item)
    assert item.getMessage() == UPDATE_NOT_LOGGED
