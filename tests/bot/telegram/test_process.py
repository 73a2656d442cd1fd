"""The bridge as its own process (`python -m bot.telegram`, as `make run` and the cluster start it), against the
fake Bot API and a fake Rasa on loopback: what it writes to stderr.

- A token Telegram rejects: one clean sentence, no token, no traceback, a non-zero exit.
- A run at the most verbose level (TELEGRAM_LOG_LEVEL=DEBUG) through the normal path and every failure we can
  provoke (Rasa too slow, Telegram errors that echo data, a non-JSON Bot API reply, broken and malformed updates,
  a wrong webhook secret, a forged button, a flood): the log names none of the message text, the user's name,
  the token, the secrets, the chat or user id, or the sender id Rasa sees."""

import asyncio
import hashlib
import hmac
import json
import os
import signal

import httpx
import pytest

from bot.telegram.logs import UPDATE_NOT_LOGGED
from ops.bench_common import wait_listening
from ops.fake_telegram import FakeTelegram, Updates
from ops.services import QUIET_ENV, ROOT, VENV_BIN, free_port

TOKEN = "5550123:AAHprocess-test-token_not-REAL-xyz"
SECRET = "process-webhook-secret_0042"
BRIDGE_SECRET = "bridge-shared-secret-0043"
SENDER_KEY = "process-test-sender-key-0044"
MARKER = "quagga-marker-5150"
NAME = "Brightwaterkelsey"
CHAT = 6660001234
GROUP = -1006660005678
USER = 7770004321


def sender_of(chat: int) -> str:
    return "tg-" + hmac.new(SENDER_KEY.encode(), str(chat).encode(), hashlib.sha256).hexdigest()[:32]


def bridge_env(api: FakeTelegram, rasa_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        **QUIET_ENV,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.url,
        "RASA_URL": rasa_url,
        "TELEGRAM_SENDER_KEY": SENDER_KEY,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


async def run_until_exit(env: dict, timeout: float = 60):
    process = await asyncio.create_subprocess_exec(
        str(VENV_BIN / "python"),
        "-m",
        "bot.telegram",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, (out + err).decode("utf-8", "replace")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_rejected_token_gives_one_clean_message_and_a_non_zero_exit(telegram, mode):
    telegram.fail_next("getMe", status=401, description="Unauthorized", times=5)
    extra = {"TELEGRAM_MODE": mode}
    if mode == "webhook":
        extra.update(
            TELEGRAM_WEBHOOK_URL="https://bot.example.org",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_WEBHOOK_PORT=str(free_port()),
        )
    code, output = await run_until_exit(bridge_env(telegram, "http://127.0.0.1:9", **extra))
    assert telegram.called("getMe!failed")  # Telegram (the fake) really refused it
    assert code != 0
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in output and "@BotFather" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert "Traceback" not in output and "InvalidToken" not in output
    assert SECRET not in output and SENDER_KEY not in output


async def test_a_verbose_run_through_every_path_logs_no_text_ids_token_or_secrets(telegram, rasa, tmp_path):
    rasa.reply = lambda body: [{"text": f"echo {body['message']}", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    port = free_port()
    env = bridge_env(
        telegram,
        rasa.url,
        TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL="https://bot.example.org",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_PORT=str(port),
        TELEGRAM_LOG_LEVEL="DEBUG",
        TELEGRAM_RASA_TIMEOUT="1",
        BRIDGE_SHARED_SECRET=BRIDGE_SECRET,
    )
    log_path = tmp_path / "bridge.log"
    with open(log_path, "wb") as log:
        process = await asyncio.create_subprocess_exec(
            str(VENV_BIN / "python"), "-m", "bot.telegram", cwd=ROOT, env=env, stdout=log, stderr=log
        )
    updates = Updates()
    url = f"http://127.0.0.1:{port}/telegram"
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}

    def named(update):
        message = update.get("message") or update.get("callback_query")
        message["from"]["first_name"] = NAME
        return update

    try:
        await telegram.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls), timeout=60)
        await wait_listening(port, timeout=30)
        async with httpx.AsyncClient(timeout=30) as client:

            async def post(update, sent_to=None, **kwargs):
                before = len(telegram.sent(sent_to)) if sent_to else 0
                options = {"headers": headers, "content": json.dumps(update) if update is not None else None, **kwargs}
                reply = await client.post(url, **options)
                if sent_to:
                    await telegram.wait_sent(sent_to, before + 1, timeout=30)
                return reply.status_code

            # the normal path: text, a button the bot sent, /start, a group mention from a member
            await post(named(updates.message(CHAT, f"my name is {NAME}, {MARKER}")), CHAT)
            keyboard = telegram.sent(CHAT)[-1].params["reply_markup"]
            await post(named(updates.button(CHAT, keyboard["inline_keyboard"][0][0]["callback_data"], keyboard)), CHAT)
            await post(
                named(updates.message(GROUP, f"@gsdoa_test_bot {MARKER} group", kind="supergroup", user_id=USER)), GROUP
            )
            # a forged button, /forget by a group member (not admin) and in the private chat
            await post(named(updates.button(CHAT, f'/inform{{"name": "{MARKER}"}}')), CHAT)
            await post(named(updates.message(GROUP, "/forget", kind="supergroup", user_id=USER)), GROUP)
            await post(named(updates.message(CHAT, "/forget")), CHAT)
            # Rasa too slow (the fake waits longer than TELEGRAM_RASA_TIMEOUT)
            rasa.delay = 2.0
            await post(named(updates.message(CHAT, f"slow {MARKER}")), CHAT)
            rasa.delay = 0
            # Telegram errors that echo data back, a 429, a reply that isn't JSON
            telegram.fail_next(
                "sendMessage", status=400, description=f"Bad Request: chat {CHAT} {MARKER} {TOKEN} not found"
            )
            await post(named(updates.message(CHAT, f"bad request {MARKER}")), CHAT)
            telegram.fail_next("sendMessage", status=429, retry_after=1)
            await post(named(updates.message(CHAT, f"rate limited {MARKER}")), CHAT)
            telegram.fail_next("sendMessage", status=200, raw=f'{{"ok": tru, "chat": {CHAT}, "{MARKER}"'.encode())
            await post(named(updates.message(CHAT, f"broken reply {MARKER}")), CHAT)
            # broken and malformed updates, a wrong secret
            assert await post(None, content=f'{{"update_id": 1, "message": "{MARKER} {CHAT}'.encode()) >= 400
            malformed = {
                "update_id": 99,
                "message": {
                    "text": MARKER,
                    "chat": {"id": CHAT, "type": "private"},
                    "from": {"id": USER, "first_name": NAME},
                },
            }
            assert await post(malformed) >= 400
            assert (
                await post(
                    named(updates.message(CHAT, MARKER)),
                    headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "wrong"},
                )
                == 403
            )
            # a flood: the slow-down reply
            for turn in range(8):
                await post(named(updates.message(CHAT + 1, f"flood {turn} {MARKER}")))
            await telegram.wait_for(
                lambda calls: any(
                    "faster than I can answer" in c.params.get("text", "") for c in telegram.sent(CHAT + 1)
                ),
                timeout=30,
            )
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 30)
    output = log_path.read_text(encoding="utf-8", errors="replace")

    # The run went where we meant it to (else the check below proves nothing) …
    assert code == 0, output[-3000:]
    assert rasa.received and all(body["sender"].startswith("tg-") for body in rasa.received)
    assert {body["sender"] for body in rasa.received} >= {sender_of(CHAT), sender_of(GROUP)}
    assert "Telegram bridge ready" in output
    assert "Rasa did not answer (" in output
    assert "Handling an update failed: BadRequest" in output
    assert UPDATE_NOT_LOGGED in output
    assert "went over its message rate" in output
    # … and left nothing of the people in it.
    for secret in (
        MARKER,
        NAME,
        TOKEN,
        TOKEN.split(":")[1],
        SECRET,
        BRIDGE_SECRET,
        SENDER_KEY,
        str(CHAT),
        str(abs(GROUP)),
        str(USER),
        sender_of(CHAT),
        sender_of(CHAT)[3:],
        sender_of(GROUP),
        sender_of(CHAT + 1),
    ):
        assert secret not in output, secret
