"""Issue 14 against the real servers (started like `make eval` starts them: ops.services.BotServices): the live
log probe, crafted payloads over HTTP, Telegram's sender ids, the action server's size cap.

The probe sends slash-prefixed, payload-shaped and plain messages, each with a unique marker, then reads every file
under build/logs/ that the servers wrote: no marker and no sender id may be there."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
import zlib

import pytest

from tests.support.chat import Chat, reply_text
from tests.support.repo import ROOT

pytestmark = pytest.mark.servers

LOG_DIR = ROOT / "build" / "logs"


def probe_messages(marker: str) -> list[str]:
    return [
        f"/help my friend took fent, I'm on probation {marker}",
        f'/greet{{"name": "{marker}"}}',
        f'/greet{{"name": "{marker}"',  # malformed JSON
        f"/greet{{{marker}}}",
        f"/{marker}",
        f'/{marker}{{"a": 1}}',
        f'/inform_place{{"city": "{marker}"}}',
        f'/affirm{{"gs_conditions": "{marker}"}}',
        f'/affirm@0.9{{"gs_warrant": "{marker}"}}',
        f'/emergency{{"emergency_kind": "{marker}"}}',
        f"//{marker} not breathing",
        f"{marker} is narcan free in ontario",
        f"hi im {marker}, can police arrest me",
        f"my name is {marker.lower()} and my friend overdosed",
        f"xqzv plorbt {marker}",  # a fallback
        f"{marker} " * 600,  # long: the "first 1,000 characters" path
    ]


def log_files() -> dict:
    return {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(LOG_DIR.rglob("*"))
        if path.is_file()
    }


def post(url: str, body: object, headers: dict | None = None, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _probe(services) -> tuple[str, list[str]]:
    marker = "Mrk" + uuid.uuid4().hex[:10]
    senders = []
    for message in probe_messages(marker):
        chat = Chat(services)
        senders.append(chat.sender)
        status, reply = chat.raw(
            {"sender": chat.sender, "message": message, "metadata": {"language": "en", "note": marker}}
        )
        assert status == 200, (message, status, reply)
        assert marker not in reply_text(reply), message  # never echoed back
    return marker, senders


def _assert_logs_clean(services, marker: str, senders: list[str]) -> None:
    files = log_files()
    assert services.log_path("rasa") in files and services.log_path("rasa").stat().st_size > 0
    assert services.log_path("rasa").read_text(encoding="utf-8", errors="replace").strip()  # really written
    for path, text in files.items():
        assert marker.lower() not in text.lower(), path
        for sender in senders:
            assert sender not in text, (path, sender)


def test_live_probe_no_marker_and_no_sender_id_in_any_log_file(bot):
    marker, senders = _probe(bot)
    _assert_logs_clean(bot, marker, senders)


def test_live_probe_with_the_action_server_down(bot_without_actions):
    marker, senders = _probe(bot_without_actions)
    _assert_logs_clean(bot_without_actions, marker, senders)


def test_the_probe_can_fail(bot, tmp_path):
    """The log check reads real files: a marker written into build/logs is found."""
    canary = LOG_DIR / f"canary-{uuid.uuid4().hex[:8]}.log"
    canary.write_text("Mrkcanary\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError):
            _assert_logs_clean(bot, "Mrkcanary", [])
    finally:
        canary.unlink()


# ---- crafted payloads over HTTP --------------------------------------------------------------------------------
def test_crafted_payloads_cannot_skip_the_check(chat):
    assert "1/4" in chat.say("/check_protection")
    for crafted in [
        "/check_result",
        "/action_protection_verdict",
        '/affirm{"gs_involved": true, "gs_beyond_personal": false, "gs_conditions": "none", "gs_warrant": "no"}',
        '/deny{"gs_warrant": "no"}',
        '/affirm{"gs_beyond_personal": "no"}',
    ]:
        reply = chat.say(crafted)
        assert "Police may still attend" not in reply and "✅" not in reply, (crafted, reply)
    # the check still works with its own buttons
    chat2 = Chat(chat.services)
    assert "1/4" in chat2.say("/check_protection")
    assert "2/4" in chat2.say("/affirm")
    assert "3/4" in chat2.say("/deny")
    assert "4/4" in chat2.say('/affirm{"gs_conditions": "possession"}')
    assert "Police may still attend" in chat2.say("/deny")


def test_a_crafted_value_is_not_echoed(chat):
    for crafted in [
        '/inform_place{"city": "Zorblaxville"}',
        '/inform_place{"province": "Zorblaxville"}',
        '/greet{"language": "Zorblaxville"}',
        '/set_language{"language": "Zorblaxville"}',
    ]:
        assert "Zorblaxville" not in chat.say(crafted)
    assert "Vancouver" in chat.say('/inform_place{"city": "Vancouver"}')  # the bot's own kind of payload works


# ---- Telegram's sender ids -------------------------------------------------------------------------------------
def test_tg_senders_are_refused_on_the_public_path_over_http(bot):
    public = {"X-GSDOA-Public": "1"}
    status, reply = post(bot.rest_url, {"sender": "tg-" + uuid.uuid4().hex, "message": "hi"}, public)
    assert status == 403 and "Telegram" in reply["error"]
    status, reply = post(bot.base_url + "/webhooks/rest/forget", {"sender": "tg-abc"}, public)
    assert status == 403 and reply["erased"] is False
    status, _ = post(bot.rest_url, {"sender": "web-" + uuid.uuid4().hex, "message": "hi"}, public)
    assert status == 200


# ---- the action server's size cap ------------------------------------------------------------------------------
def test_the_action_server_refuses_a_deflate_bomb_with_413(bot):
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(b"\0" * 1_000_000) for _ in range(1000)) + packer.flush()  # 1 GB inflated
    status, reply = post(bot.action_url, None, {"Content-Encoding": "deflate"}, raw=bomb)
    assert status == 413 and "too large" in reply["error"]
    # the server is still there and answers the bot
    assert "free" in Chat(bot).say("is naloxone free")
