"""A real cluster for the reliability, security and fuzz tests: Redis + 2 Rasa servers + the action server
behind nginx, on loopback (ops/cluster.py), started once per test session."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Dict, List, Optional, Tuple

import pytest

from ops.cluster import Cluster
from tests.conftest import ROOT

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


class Conversation:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.sender = "cl-" + uuid.uuid4().hex[:12]

    def say(self, message: str, url: Optional[str] = None) -> str:
        status, body = post(url or self.cluster.rest_url, {"sender": self.sender, "message": message})
        assert status == 200, (status, body)
        return text_of(body)


@pytest.fixture(scope="session")
def cluster():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    with Cluster(servers=2, model=MODEL, cors=[ALLOWED_ORIGIN], rate=1000, burst=1000) as running:
        yield running
