"""actions/server.py: the shape check that turns malformed action calls into a 400 before any action runs."""

import json
import time
import tracemalloc
import zlib
from types import SimpleNamespace

import pytest

from actions.server import MAX_BODY_BYTES, TooLarge, action_call_problem, check_request, inflate

GOOD = {
    "next_action": "action_local_resources",
    "domain": {},
    "tracker": {"sender_id": "a", "slots": {}, "latest_message": {}, "events": [{"event": "user"}]},
}


def test_a_real_action_call_passes():
    assert action_call_problem(GOOD) is None


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "x",
        5,
        {},
        {"next_action": ""},
        {"next_action": 5, "tracker": GOOD["tracker"]},
        {"next_action": "a", "tracker": "x"},
        {"next_action": "a", "tracker": {**GOOD["tracker"], "events": "x"}},
        {"next_action": "a", "tracker": {**GOOD["tracker"], "events": [1]}},
        {"next_action": "a", "tracker": {**GOOD["tracker"], "slots": []}},
        {"next_action": "a", "tracker": {k: v for k, v in GOOD["tracker"].items() if k != "sender_id"}},
        {**GOOD, "domain": []},
    ],
)
def test_malformed_calls_are_named(body):
    assert isinstance(action_call_problem(body), str)


# ---- compressed bodies (issue 14): a small deflate/gzip "bomb" gets a 413 without being inflated ----------------


def _bomb(inflated_bytes: int, wbits: int) -> bytes:
    """Compressed zeros that inflate to `inflated_bytes` (built in 1 MB chunks, never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = b"\0" * 1_000_000
    parts = [packer.compress(chunk) for _ in range(inflated_bytes // len(chunk))]
    return b"".join(parts) + packer.flush()


@pytest.fixture(scope="module")
def deflate_bomb() -> bytes:
    bomb = _bomb(2_000_000_000, zlib.MAX_WBITS)  # about 2 MB that would become 2 GB
    assert 1_000_000 < len(bomb) <= MAX_BODY_BYTES
    return bomb


def _request(body: bytes, encoding: str = ""):
    return SimpleNamespace(body=body, headers={"Content-Encoding": encoding} if encoding else {})


def test_a_2_mb_deflate_body_that_would_inflate_to_2_gb_gets_413_quickly_and_in_little_memory(deflate_bomb):
    tracemalloc.start()
    started = time.monotonic()
    reply = check_request(_request(deflate_bomb, "deflate"))
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reply.status == 413 and b"too large" in reply.body
    assert peak < 4 * MAX_BODY_BYTES + 4_000_000, peak  # never more than the cap, not 2 GB
    assert elapsed < 5, elapsed


def test_a_gzip_bomb_gets_413_too():
    bomb = _bomb(200_000_000, 16 + zlib.MAX_WBITS)
    assert check_request(_request(bomb, "gzip")).status == 413
    with pytest.raises(TooLarge):
        inflate(bomb, "gzip")


def test_inflate_stops_at_the_limit_and_keeps_what_fits():
    data = json.dumps(GOOD).encode()
    assert inflate(zlib.compress(data), "deflate") == data
    assert inflate(zlib.compress(b"x" * 1000), "deflate", limit=1000) == b"x" * 1000
    with pytest.raises(TooLarge):
        inflate(zlib.compress(b"x" * 1001), "deflate", limit=1000)


def test_a_normal_deflate_call_passes_and_odd_encodings_are_refused():
    assert check_request(_request(zlib.compress(json.dumps(GOOD).encode()), "deflate")) is None
    assert check_request(_request(json.dumps(GOOD).encode())) is None
    assert check_request(_request(b"not deflate", "deflate")).status == 400
    assert check_request(_request(json.dumps(GOOD).encode(), "br")).status == 415
    assert check_request(_request(b"x" * (MAX_BODY_BYTES + 1))).status == 413
