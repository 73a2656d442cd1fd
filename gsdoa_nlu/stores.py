"""Where conversations live when there is no Redis (`make run`, tests, a demo laptop): Rasa's in-memory tracker
store, with the same expiry as production.

Why: PRIVACY.md and the bot promise "Conversations are deleted automatically 4 hours after the last message".
Redis does that in production (`record_exp`); Rasa's InMemoryTrackerStore keeps everything until the process stops,
which on a tablet left running for days would break the promise. This store forgets a conversation
TRACKER_EXPIRY_SECONDS (default 14,400 = 4 hours) after its last message: expired conversations are deleted on
every save and never returned.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_EXPIRY_SECONDS = 4 * 60 * 60


def expiry_seconds(value: Any = None) -> float:
    """The configured lifetime: an explicit value, else TRACKER_EXPIRY_SECONDS, else 4 hours."""
    raw = value if value not in (None, "") else os.environ.get("TRACKER_EXPIRY_SECONDS", DEFAULT_EXPIRY_SECONDS)
    seconds = float(raw)
    if seconds <= 0:
        raise ValueError("TRACKER_EXPIRY_SECONDS must be a positive number of seconds")
    return seconds


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """InMemoryTrackerStore that deletes a conversation `record_exp` seconds after its last save."""

    def __init__(
        self,
        domain: Domain,
        host: str | None = None,
        event_broker: Any = None,
        record_exp: Any = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.record_exp = expiry_seconds(record_exp)
        self._clock = clock
        self._last_saved: dict[str, float] = {}

    def purge_expired(self) -> None:
        """Delete every conversation whose last message is older than the expiry."""
        cutoff = self._clock() - self.record_exp
        for sender_id in [s for s, saved in self._last_saved.items() if saved <= cutoff]:
            self.store.pop(sender_id, None)
            self._last_saved.pop(sender_id, None)

    def forget(self, sender_id: str) -> None:
        """Delete one conversation and its expiry clock at once (/forget, "start over")."""
        self.store.pop(sender_id, None)
        self._last_saved.pop(sender_id, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.purge_expired()
        await super().save(tracker)
        self._last_saved[tracker.sender_id] = self._clock()

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        self.purge_expired()
        return await super()._retrieve(sender_id, fetch_all_sessions)

    async def keys(self) -> Iterable[str]:
        self.purge_expired()
        return list(self.store.keys())
