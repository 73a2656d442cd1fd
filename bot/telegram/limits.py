"""Per-chat rate limit of the bridge: one fast (or scripted) chat can't use up Rasa or the bot's Telegram budget
for everyone else.

A token bucket per conversation, keyed by the hashed sender id (never the Telegram id): `rate` messages per second
on average, `burst` at once. A refused message gets one "slow down" reply per refusal streak (no reply to every
message of a flood: those replies would spend the bot's Telegram budget too). Buckets that have filled up again
are dropped, so the table holds only chats that wrote in the last few seconds (and never more than `capacity`)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

ADMIT, WARN, QUIET = "admit", "warn", "quiet"


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class ChatRateLimiter:
    def __init__(
        self, rate: float = 2.0, burst: int = 5, capacity: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.capacity, self.clock = float(rate), float(burst), capacity, clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, key: str) -> str:
        """ADMIT (go on), WARN (refused: tell the user once) or QUIET (refused, already told)."""
        now = self.clock()
        self._sweep(now)
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket  # most recent last
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return ADMIT
        if bucket.warned:
            return QUIET
        bucket.warned = True
        return WARN

    def _sweep(self, now: float) -> None:
        """Forget chats whose bucket is full again (idle long enough), oldest first; cap the table."""
        refill = self.burst / self.rate
        while self._buckets:
            key, bucket = next(iter(self._buckets.items()))
            if now - bucket.at < refill and len(self._buckets) < self.capacity:
                break
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
