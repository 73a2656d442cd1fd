"""A real cluster for the reliability, security and fuzz tests: Redis + 2 Rasa servers + the action server
behind nginx, on loopback (ops/cluster.py), started once per test session."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

import pytest

from ops.cluster import Cluster
from tests.support.repo import ROOT

MODEL = ROOT / "models" / "gsdoa.tar.gz"
ALLOWED_ORIGIN = "https://harmreduction.example"


def post(url: str, body: object, headers: Optional[Dict[str, str]] = None,
         timeout: float = 60) -> Tuple[int, object]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            raw = reply.read()
            status = reply.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def text_of(messages: List[Dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages if isinstance(m, dict))


# Every sender id and marker word the cluster tests used in this session: the log test
# (tests/cluster/test_logs.py, run last) checks that none of them reached any log file.
SENDERS: Set[str] = set()
MARKERS: Set[str] = set()


def marker() -> str:
    """A word nobody else sends ("mk" + 12 hex digits), remembered for the log test."""
    word = "mk" + uuid.uuid4().hex[:12]
    MARKERS.add(word)
    return word


def files_under(*roots: Optional[Path]) -> Iterator[Path]:
    """Every regular file under the given directories (recursively; missing roots are skipped)."""
    for root in roots:
        if root is not None and root.exists():
            yield from (path for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink())


def files_containing(words: Iterable[str], *roots: Optional[Path]) -> Dict[str, List[str]]:
    """{word: [files whose bytes contain it (case-insensitive, binary-safe)]} for the words found anywhere."""
    words = [w for w in words if w]
    found: Dict[str, List[str]] = {}
    for path in files_under(*roots):
        try:
            data = path.read_bytes().lower()
        except OSError:
            continue
        for word in words:
            if word.lower().encode("utf-8") in data:
                found.setdefault(word, []).append(str(path))
    return found


class Conversation:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.sender = "cl-" + uuid.uuid4().hex[:12]
        SENDERS.add(self.sender)

    def say(self, message: str, url: Optional[str] = None) -> str:
        status, body = post(url or self.cluster.rest_url, {"sender": self.sender, "message": message})
        assert status == 200, (status, body)
        return text_of(body)


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
