"""The in-memory tracker store (`make run`) keeps the privacy promise: a conversation is deleted 4 hours (or
TRACKER_EXPIRY_SECONDS) after its last message, and /forget still deletes it at once."""

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gsdoa_nlu.channels import erase_conversation
from gsdoa_nlu.stores import DEFAULT_EXPIRY_SECONDS, ExpiringInMemoryTrackerStore, expiry_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered("hello")])


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    return ExpiringInMemoryTrackerStore(Domain.empty(), record_exp=60, clock=clock)


async def test_a_conversation_is_kept_until_it_expires_then_deleted(store, clock):
    await store.save(tracker("a"))
    clock.now += 59
    assert await store.retrieve("a") is not None
    clock.now += 2
    assert await store.retrieve("a") is None
    assert "a" not in store.store  # deleted, not just hidden


async def test_each_message_restarts_the_clock(store, clock):
    await store.save(tracker("a"))
    clock.now += 50
    await store.save(tracker("a"))
    clock.now += 50
    assert await store.retrieve("a") is not None


async def test_saving_one_conversation_purges_the_others(store, clock):
    await store.save(tracker("old"))
    clock.now += 120
    await store.save(tracker("new"))
    assert set(store.store) == {"new"}
    assert list(await store.keys()) == ["new"]


async def test_forget_still_erases_at_once(store):
    await store.save(tracker("a"))
    assert erase_conversation(store, "a") is True
    assert await store.retrieve("a") is None


def test_the_default_is_four_hours_and_the_environment_can_change_it(monkeypatch):
    monkeypatch.delenv("TRACKER_EXPIRY_SECONDS", raising=False)
    assert expiry_seconds() == DEFAULT_EXPIRY_SECONDS == 14400
    monkeypatch.setenv("TRACKER_EXPIRY_SECONDS", "900")
    assert expiry_seconds() == 900
    with pytest.raises(ValueError):
        expiry_seconds("0")


def test_the_local_endpoints_use_this_store():
    from ops.services import local_endpoints

    assert "type: gsdoa_nlu.stores.ExpiringInMemoryTrackerStore" in local_endpoints("http://127.0.0.1:1/webhook")
