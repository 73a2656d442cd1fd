""" "Start over" erases the stored conversation exactly as /forget does (issue 14, item 4).

The trained model runs in-process behind the real channel (SafeRestInput.receive with Rasa's own Agent, tracker
store and lock store), so the test can read the tracker store itself: after "start over" nothing of the earlier
conversation — messages, the check's answers — is stored."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from gsdoa_nlu.channels import SafeRestInput
from tests.support.repo import ROOT

pytestmark = pytest.mark.model

MODEL = ROOT / "models" / "gsdoa.tar.gz"


class Request:
    def __init__(self, sender, message, agent):
        self.json = {"sender": sender, "message": message}
        self.headers = {}
        self.app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    store = InMemoryTrackerStore(Domain.empty())
    loaded = Agent.load(str(MODEL), tracker_store=store, lock_store=InMemoryLockStore())
    store.domain = loaded.domain
    return loaded


def _inner(agent):
    store = agent.tracker_store
    while getattr(store, "_tracker_store", None) is not None:
        store = store._tracker_store
    return store


async def _say(channel, agent, sender, message):
    reply = await channel.receive(Request(sender, message, agent), agent.handle_message)
    assert reply.status == 200
    return " ".join(m.get("text") or "" for m in json.loads(reply.body))


@pytest.mark.parametrize("start_over", ["start over", "/restart"])
async def test_start_over_erases_the_stored_conversation(agent, start_over):
    channel = SafeRestInput(texts=str(ROOT / "data" / "texts.yml"), domain=str(ROOT / "domain.yml"))
    sender = "web-start-over-" + start_over.strip("/").replace(" ", "-")
    assert "1/4" in await _say(channel, agent, sender, "/check_protection")
    assert "2/4" in await _say(channel, agent, sender, "/affirm")
    stored = await _inner(agent).retrieve(sender)
    assert stored is not None and stored.get_slot("gs_involved") is True  # the store really holds the answers

    reply = await _say(channel, agent, sender, start_over)
    assert reply.strip()  # the user still gets the bot's answer
    assert await _inner(agent).retrieve_full_tracker(sender) is None  # erased, as /forget does
    assert sender not in _inner(agent).store

    await _say(channel, agent, sender, "hello")
    fresh = await _inner(agent).retrieve_full_tracker(sender)
    texts = [e.text for e in fresh.events if type(e).__name__ == "UserUttered"]
    assert texts == ["hello"]
    assert fresh.get_slot("gs_involved") is None and fresh.active_loop_name is None


async def test_other_messages_keep_the_conversation(agent):
    channel = SafeRestInput(texts=str(ROOT / "data" / "texts.yml"), domain=str(ROOT / "domain.yml"))
    sender = "web-keeps"
    await _say(channel, agent, sender, "/check_protection")
    await _say(channel, agent, sender, "/affirm")
    stored = await _inner(agent).retrieve_full_tracker(sender)
    assert [e.text for e in stored.events if type(e).__name__ == "UserUttered"] == ["/check_protection", "/affirm"]


async def test_no_logger_gets_the_users_text_or_sender_id_in_process(agent, caplog):
    """Slash-, payload-shaped and plain messages through the channel and the real model, every logger captured
    at INFO (the servers' level) — root, rasa, sanic, aiohttp, httpx, httpcore, telegram… — and every warning:
    no marker and no sender id."""
    import logging
    import warnings

    from tests.conversation.test_privacy_logs import probe_messages

    channel = SafeRestInput(texts=str(ROOT / "data" / "texts.yml"), domain=str(ROOT / "domain.yml"))
    marker, sender = "Mrkinproc42", "web-inprocess-sender-7f3a"
    caplog.set_level(logging.INFO)
    for name in (
        "rasa",
        "sanic",
        "sanic.root",
        "sanic.access",
        "aiohttp",
        "httpx",
        "httpcore",
        "telegram",
        "gsdoa_nlu",
        "rasa_sdk",
        "py.warnings",
    ):
        caplog.set_level(logging.INFO, logger=name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for message in probe_messages(marker):
            await _say(channel, agent, sender, message)
    assert caplog.records is not None
    assert marker.lower() not in caplog.text.lower() and sender not in caplog.text
    assert not [w for w in caught if marker.lower() in str(w.message).lower() or sender in str(w.message)]
