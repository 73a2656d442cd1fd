"""The one place benchmark figures are computed: percentiles, mean and rate.

Percentile definition (used for every p50/p95/p99 in docs/benchmarks.md): **linear interpolation between the two
nearest ranks** — sort the n values, take the (fractional) position ``share * (n - 1)`` (0 = smallest, n - 1 =
largest) and interpolate between the values on either side of it. It is numpy's default ("linear"), Excel's
PERCENTILE.INC and ``statistics.quantiles(method="inclusive")``; p50 is the ordinary median. Empty input gives NaN
(shown as "—" in the tables) rather than an error, so a run with no successful message still writes its report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

NAN = float("nan")


def percentile(values: Iterable[float], share: float) -> float:
    """The `share` (0..1) percentile of `values`, linearly interpolated between the nearest ranks."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be within 0..1, got {share}")
    ordered: Sequence[float] = sorted(values)
    if not ordered:
        return NAN
    position = share * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean; NaN for no values."""
    items = list(values)
    return math.fsum(items) / len(items) if items else NAN


def rate(count: float, seconds: float) -> float:
    """Events per second; NaN when no time passed (nothing was measured)."""
    return count / seconds if seconds > 0 else NAN


def summary(seconds: Iterable[float], shares: Sequence[float] = (0.5, 0.95)) -> dict:
    """Timings in seconds → {"p50_ms": …, "p95_ms": …} (keys from the shares), in milliseconds."""
    millis = [1000 * value for value in seconds]
    return {f"p{round(share * 100)}_ms": percentile(millis, share) for share in shares}
