"""A real cluster for the reliability, security and fuzz tests: Redis + 2 Rasa servers + the action server
behind nginx, on loopback (ops/cluster.py), started once per test session (helpers: tests/support/cluster.py)."""

from __future__ import annotations

import pytest

from ops.cluster import Cluster
from tests.support.cluster import ALLOWED_ORIGIN, MODEL


def pytest_collection_modifyitems(session, config, items):
    """The log test reads the logs every other cluster test produced: it runs after them."""
    last = [item for item in items if item.nodeid.startswith("tests/cluster/test_logs.py")]
    items[:] = [item for item in items if item not in last] + last


@pytest.fixture(scope="session")
def cluster():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    with Cluster(servers=2, model=MODEL, cors=[ALLOWED_ORIGIN], rate=1000, burst=1000) as running:
        yield running
