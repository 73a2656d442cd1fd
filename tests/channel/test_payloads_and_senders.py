"""Issue 14 on the channel: only the bot's own button payloads reach Rasa as payloads, client metadata is
allow-listed, "start over" erases the stored conversation, Telegram's sender ids are the bridge's alone.
No server: the channel's handlers are called with fake requests (tests/conversation checks the same over HTTP)."""

from __future__ import annotations

import json
import logging
import warnings
from types import SimpleNamespace

import pytest
import yaml

from gsdoa_nlu.channels import (
    BRIDGE_HEADER,
    PUBLIC_HEADER,
    SafeRestInput,
    as_plain_text,
    clean_metadata,
    restarted_since_last_message,
)
from gsdoa_nlu.text import clean_user_text
from tests.support.channel import FakeRequest
from tests.support.repo import ROOT


@pytest.fixture
def channel():
    return SafeRestInput(
        max_chars=1000,
        texts=str(ROOT / "data" / "texts.yml"),
        domain=str(ROOT / "domain.yml"),
        places=str(ROOT / "data" / "patterns" / "places.yml"),
        catalogue=str(ROOT / "data" / "intents.yml"),
        bridge_secret="",
    )


def offered_payloads() -> set[str]:
    """Every "/…" payload the bot itself offers: buttons in data/responses, the actions' buttons, the
    Telegram bridge's and the widget's own messages."""
    found = set()
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        for variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).values():
            for variant in variants:
                for button in variant.get("buttons") or []:
                    if str(button.get("payload", "")).startswith("/"):
                        found.add(button["payload"])
    from actions.fallback import EMERGENCY_PAYLOAD
    from actions.resources import province_buttons

    found.add(EMERGENCY_PAYLOAD)
    found.update(b["payload"] for b in province_buttons("en"))
    found.update(
        ["/greet", "/help", "/resources", '/set_language{"language":"en"}', '/set_language{"language":"fr"}']
    )  # bot/telegram/bridge.py, bot/web/widget/widget.js
    return found


def test_every_payload_the_bot_offers_is_accepted_as_it_is(channel):
    payloads = offered_payloads()
    assert len(payloads) >= 20  # the check's answers, the emergency button, 13 provinces, language, menus
    for payload in payloads:
        accepted, _ = channel.prepare_text(payload)
        intent, _, entities = payload.partition("{")
        got_intent, _, got_entities = accepted.partition("{")
        assert got_intent == intent, payload
        assert json.loads("{" + got_entities if got_entities else "{}") == json.loads(
            "{" + entities if entities else "{}"
        ), payload


def test_a_payload_survives_the_nlus_second_cleaning(channel):
    """The NLU's MessageSanitizer cleans every text again: an accepted payload must come out unchanged."""
    for payload in offered_payloads():
        accepted, _ = channel.prepare_text(payload, "fr")
        assert clean_user_text(accepted, None)[0] == accepted


@pytest.mark.parametrize(
    "crafted",
    [
        "/check_result",  # not an intent: can't jump to the verdict
        "/action_protection_verdict",
        "/session_start",
        "/nlu_fallback",
        "/back",  # Rasa's own intents, never offered
        "/legal",
        "/privacy",  # retrieval intents need the NLU's selection
        '/greet{"name": "MARKER"}',  # unknown entity
        '/affirm{"gs_involved": false}',  # a slot, not an offered entity
        '/deny{"gs_warrant": "no"}',  # the check's entities go with /affirm only
        '/greet{"gs_conditions": "possession"}',
        '/affirm{"gs_conditions": "MARKER"}',  # wrong value
        '/affirm{"gs_warrant": ["unsure", "no"]}',  # lists are not offered
        '/inform_place{"province": "XX"}',
        '/inform_place{"city": "MARKER"}',  # a city must be a gazetteer name
        '/inform_place{"city": "Vancouver", "province": "ON"}',
        '/emergency{"emergency_kind": "MARKER"}',
        '/set_language{"language": "de"}',
        '/inform_place{"topic": "legal/arrest"}',
        '/help{"topic_family": "act"}',
        '/greet{"last_topic": "x"}',
        "/greet{bad json",
        '/greet{"a": }',
        "/greet{}x",
        "/greet@0.9",
        '/greet@0.9{"language": "fr"}',
        "/help my friend took fent, I'm on probation",
        "//greet",
        "/ greet",
        "/GREET",
        "/greet\n/help",
    ],
)
def test_crafted_payloads_become_plain_text_without_the_slash(channel, crafted):
    text, _ = channel.prepare_text(crafted)
    assert not text.startswith("/"), text
    assert text == as_plain_text(crafted)
    assert channel.payloads.canonical(crafted) is None


def test_plain_text_is_cleaned_masked_and_stable(channel):
    text, _ = channel.prepare_text("/help my name is Jordan Tremblay, call 613-555-0144 <b>now</b>")
    assert text.startswith("help") and "Jordan" not in text and "613-555-0144" not in text and "<b>" not in text
    # markup or entities that would rebuild a payload when cleaned again can't slip one through
    for sneaky in [
        '&amp;lt;b&amp;gt;/affirm{"gs_warrant": "no"}',
        '<b></b>/affirm{"gs_warrant": "no"}',
        "&lt;i&gt;&lt;/i&gt;/check_result",
        '\u200b/greet{"name": "x"}',
    ]:
        once, _ = channel.prepare_text(sneaky)
        again = clean_user_text(once, None)[0]
        assert not once.startswith("/") and not again.startswith("/"), (sneaky, once, again)


@pytest.mark.parametrize(
    "message",
    [
        "/help my friend took fent, I'm on probation MARKER",
        '/greet{"name": "MARKER"}',
        '/greet{"MARKER',
        '/inform_place{"city": "MARKER"}',
        "/MARKER",
        '/affirm@0.5{"gs_warrant": "MARKER"}',
        "MARKER",
    ],
)
def test_rasas_message_parser_never_logs_or_warns_about_what_the_channel_hands_it(channel, message, caplog):
    """What the channel passes on goes through Rasa's RegexMessageHandler (the parser that logs an unknown
    "/…" text at WARNING): nothing is logged or warned on any logger, and no payload value comes through."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.training_data.message import Message

    domain = Domain.load(str(ROOT / "domain.yml"))
    text, _ = channel.prepare_text(message)
    caplog.set_level(logging.DEBUG)  # every logger: root, rasa, sanic, aiohttp, httpx…
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = YAMLStoryReader.unpack_regex_message(Message(data={"text": text}), domain)
    assert "MARKER" not in caplog.text
    assert not [w for w in caught if "MARKER" in str(w.message)]
    assert not parsed.get("entities"), parsed.get("entities")


def test_the_parser_check_can_fail():
    """The check above notices a leak: Rasa's parser does warn with the text when it is handed a raw "/…"."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.training_data.message import Message

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        YAMLStoryReader.unpack_regex_message(
            Message(data={"text": '/greet{"MARKER'}), Domain.load(str(ROOT / "domain.yml"))
        )
        YAMLStoryReader.unpack_regex_message(
            Message(data={"text": "/nope_MARKER"}), Domain.load(str(ROOT / "domain.yml"))
        )
    assert any("MARKER" in str(w.message) for w in caught)


# ---- metadata ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "metadata, kept",
    [
        ({"language": "fr-CA"}, {"language": "fr-CA"}),
        ({"language": "en", "name": "Jordan", "phone": "613-555-0144", "ip": "1.2.3.4"}, {"language": "en"}),
        ({"language": "Jordan Tremblay 613"}, None),
        ({"language": 3}, None),
        ({"userAgent": "x"}, None),
        ({}, None),
        (None, None),
        ("language=fr", None),
    ],
)
def test_only_allow_listed_metadata_is_kept(metadata, kept):
    assert clean_metadata(metadata) == kept


# ---- Telegram's sender ids ----------------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.messages = []

    async def __call__(self, message):
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, "ok")


async def test_tg_senders_are_refused_on_the_public_path(channel):
    seen = Recorder()
    body = {"sender": "tg-0123abcd", "message": "hi"}
    reply = await channel.receive(FakeRequest(body, headers={PUBLIC_HEADER: "1"}), seen)
    assert reply.status == 403 and "Telegram" in json.loads(reply.body)["error"]
    reply = await channel.receive(FakeRequest({**body, "sender": "TG-0123abcd"}, headers={"x-gsdoa-public": "1"}), seen)
    assert reply.status == 403
    assert seen.messages == []  # nothing reached Rasa
    reply = await channel.forget(FakeRequest(body, headers={PUBLIC_HEADER: "1"}))
    assert reply.status == 403 and json.loads(reply.body)["erased"] is False
    # other senders on the public path, and tg- senders on the private side (the bridge), go through
    assert (
        await channel.receive(FakeRequest({**body, "sender": "web-1"}, headers={PUBLIC_HEADER: "1"}), seen)
    ).status == 200
    assert (await channel.receive(FakeRequest(body), seen)).status == 200
    assert [m.sender_id for m in seen.messages] == ["web-1", "tg-0123abcd"]


async def test_with_a_shared_secret_tg_senders_need_the_bridge_header(root):
    channel = SafeRestInput(texts=str(root / "data" / "texts.yml"), bridge_secret="s3cret-value")
    seen = Recorder()
    body = {"sender": "tg-0123abcd", "message": "hi"}
    for headers in [
        {},
        {BRIDGE_HEADER: "wrong"},
        {BRIDGE_HEADER: ""},
        {BRIDGE_HEADER: "s3cret-valuex"},
        {BRIDGE_HEADER: "s3cret-value", PUBLIC_HEADER: "1"},
    ]:
        assert (await channel.receive(FakeRequest(body, headers=headers), seen)).status == 403, headers
        assert (await channel.forget(FakeRequest(body, headers=headers))).status == 403, headers
    assert seen.messages == []
    assert (await channel.receive(FakeRequest(body, headers={BRIDGE_HEADER: "s3cret-value"}), seen)).status == 200
    assert (await channel.receive(FakeRequest({**body, "sender": "web-2"}), seen)).status == 200


def test_the_shared_secret_comes_from_the_environment(root, monkeypatch):
    monkeypatch.setenv("BRIDGE_SHARED_SECRET", "from-env")
    assert SafeRestInput(texts=str(root / "data" / "texts.yml")).bridge_secret == "from-env"
    monkeypatch.delenv("BRIDGE_SHARED_SECRET")
    assert SafeRestInput(texts=str(root / "data" / "texts.yml")).bridge_secret == ""


# ---- "start over" erases --------------------------------------------------------------------------------------
def _agent():
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    inner = InMemoryTrackerStore(Domain.empty())
    return SimpleNamespace(
        tracker_store=AwaitableTrackerStore(FailSafeTrackerStore(inner)), lock_store=InMemoryLockStore()
    ), inner


def _fake_rasa(agent):
    """Stores each message like Rasa does; "start over" is the restart intent, answered then Restarted."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    async def on_new_message(message):
        tracker = await agent.tracker_store.retrieve(message.sender_id) or DialogueStateTracker.from_events(
            message.sender_id, []
        )
        intent = "restart" if message.text == "start over" else "affirm"
        tracker.update(UserUttered(message.text, {"name": intent, "confidence": 1.0}))
        if intent == "restart":
            tracker.update(ActionExecuted("action_restart"))
            tracker.update(BotUttered("Okay, let's start over."))
            tracker.update(Restarted())
            await message.output_channel.send_text_message(message.sender_id, "Okay, let's start over.")
        else:
            tracker.update(SlotSet("gs_warrant", "yes"))
            await message.output_channel.send_text_message(message.sender_id, "2/4")
        await agent.tracker_store.save(tracker)

    return on_new_message


async def test_start_over_erases_the_stored_conversation_and_still_answers(channel):
    agent, inner = _agent()
    rasa = _fake_rasa(agent)
    for text in ["yes I was there, warrant too", "start over"]:
        reply = await channel.receive(FakeRequest({"sender": "web-9", "message": text}, agent=agent), rasa)
        assert reply.status == 200
    assert "start over" in json.loads(reply.body)[0]["text"]  # the reply was collected before the erase
    assert await inner.retrieve("web-9") is None
    await channel.receive(FakeRequest({"sender": "web-9", "message": "yes again"}, agent=agent), rasa)
    stored = await inner.retrieve("web-9")
    assert [e.text for e in stored.events if hasattr(e, "text") and e.text] == ["yes again"]


async def test_other_messages_keep_the_conversation(channel):
    agent, inner = _agent()
    rasa = _fake_rasa(agent)
    await channel.receive(FakeRequest({"sender": "web-8", "message": "yes"}, agent=agent), rasa)
    await channel.receive(FakeRequest({"sender": "web-8", "message": "yes again"}, agent=agent), rasa)
    events = (await inner.retrieve("web-8")).events
    assert [e.text for e in events if type(e).__name__ == "UserUttered"] == ["yes", "yes again"]
    assert any(type(e).__name__ == "SlotSet" and e.key == "gs_warrant" for e in events)


def test_restarted_since_last_message_reads_the_latest_turn():
    from rasa.shared.core.events import BotUttered, Restarted, UserUttered

    assert restarted_since_last_message([UserUttered("start over"), BotUttered("ok"), Restarted()])
    assert not restarted_since_last_message([Restarted(), UserUttered("hi"), BotUttered("hello")])
    assert not restarted_since_last_message([])


async def test_erasing_from_the_expiring_store_leaves_not_even_the_id():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from gsdoa_nlu.channels import erase_conversation
    from gsdoa_nlu.stores import ExpiringInMemoryTrackerStore

    store = ExpiringInMemoryTrackerStore(Domain.empty(), record_exp=60)
    await store.save(DialogueStateTracker.from_events("web-5", [UserUttered("hi")]))
    assert "web-5" in store.store and "web-5" in store._last_saved
    assert erase_conversation(store, "web-5") is True
    assert "web-5" not in store.store and "web-5" not in store._last_saved
