"""What the conversation store (Redis) keeps (issue 14): conversations in memory only — after /forget or expiry
nothing of them is left in any file — and personal details removed before anything is stored."""

import json
import socket
import time
from pathlib import Path

import pytest

from ops.cluster import Cluster
from tests.support.cluster import ALLOWED_ORIGIN, MODEL, Conversation, files_containing, marker, post

pytestmark = pytest.mark.cluster
SHORT_EXPIRY = 8  # seconds, for the expiry test's own cluster


def tracker_key(sender: str) -> str:
    return f"gsdoa:tracker:{sender}"  # key_prefix gsdoa (deploy/endpoints.production.yml) + Rasa's "tracker:"


def stored(cluster, sender: str) -> bytes:
    """The conversation exactly as Redis holds it (raw bytes, b"" when there is none)."""
    return cluster.redis_call("GET", tracker_key(sender)) or b""


def config(cluster, name: str) -> str:
    reply = cluster.redis_call("CONFIG", "GET", name)
    assert isinstance(reply, list) and len(reply) == 2, reply
    return reply[1].decode()


def disk_roots(cluster):
    """Redis's data directory as Redis reports it, and every other directory the cluster writes to."""
    return [Path(config(cluster, "dir")), cluster.redis_dir, cluster.dir, cluster.nginx_home]


def test_redis_runs_without_snapshot_or_append_only_file(cluster):
    assert config(cluster, "appendonly") == "no"
    assert config(cluster, "save") == ""  # no RDB snapshot points
    assert config(cluster, "dir") == str(cluster.redis_dir.resolve())
    assert cluster.redis_call("PING") == b"PONG"
    # Redis asks for a password (as in production): a client without it is refused.
    with socket.create_connection(("127.0.0.1", cluster.redis_port), timeout=5) as sock:
        sock.sendall(b"*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n")
        assert sock.recv(200).startswith(b"-NOAUTH")


def conversation_with_words(cluster, chat: Conversation, word: str) -> None:
    for message in (
        f"can police arrest me if i call 911 {word}",
        f"{word} what is the good samaritan act",
        "can you check if the law protects me",
        "yes",
    ):
        chat.say(message)
    assert word.encode() in stored(cluster, chat.sender)  # the conversation (with its text) is in Redis


def test_a_forgotten_conversation_leaves_nothing_on_disk(cluster):
    chat, word = Conversation(cluster), marker()
    conversation_with_words(cluster, chat, word)
    assert files_containing([word], *disk_roots(cluster)) == {}  # not even while it lives: memory only
    status, body = post(f"{cluster.url}/webhooks/rest/forget", {"sender": chat.sender})
    assert status == 200 and body == {"erased": True}
    assert cluster.redis_call("EXISTS", tracker_key(chat.sender)) == 0
    assert files_containing([word, chat.sender], *disk_roots(cluster)) == {}


@pytest.fixture(scope="module")
def short_lived():
    """Its own small cluster (1 Rasa server) whose conversations expire after SHORT_EXPIRY seconds."""
    with Cluster(
        servers=1, model=MODEL, expiry_seconds=SHORT_EXPIRY, cors=[ALLOWED_ORIGIN], rate=1000, burst=1000
    ) as running:
        yield running


def test_an_expired_conversation_leaves_nothing_on_disk(short_lived):
    chat, word = Conversation(short_lived), marker()
    conversation_with_words(short_lived, chat, word)
    assert 0 < short_lived.redis_call("TTL", tracker_key(chat.sender)) <= SHORT_EXPIRY
    deadline = time.monotonic() + SHORT_EXPIRY + 20
    while short_lived.redis_call("EXISTS", tracker_key(chat.sender)) == 1:
        assert time.monotonic() < deadline, "the conversation did not expire"
        time.sleep(0.5)
    assert files_containing([word, chat.sender], *disk_roots(short_lived)) == {}
    assert config(short_lived, "appendonly") == "no" and config(short_lived, "save") == ""


# Personal details in the message text; the bot must store the conversation without them. Each message also
# carries a harmless marker word, to prove the conversation itself *is* stored (so the test can fail).
DETAILS_MASKED_SINCE_ISSUE_7 = [
    ("my name is Kelsey Brightwater and can police arrest me {w}", ["Kelsey", "Brightwater"]),
    ("{w} call me at 604-555-0199 if the cops come", ["604-555-0199", "555-0199", "6045550199"]),
    ("my email is kelsey.b@example.org {w} is naloxone free", ["kelsey.b@example.org", "kelsey.b"]),
    (
        "i live at 1180 Maple Crescent, V5K 0A1 {w} where can i get naloxone",
        ["1180 Maple", "Maple Crescent", "V5K 0A1", "V5K"],
    ),
    ("je m'appelle Marie Tremblay {w} est-ce que la police peut m'arrêter", ["Marie", "Tremblay"]),
    ("born 1994-03-14 {w} am i protected on probation", ["1994-03-14"]),
]
# Shapes that the broader masking of issue 14 (item 5) adds.
DETAILS_ADDED_IN_ISSUE_14 = [
    ("my name is kelsey brightwater and can police arrest me {w}", ["kelsey", "brightwater"]),
    ("{w} je m'appelle marie tremblay, la police peut m'arrêter?", ["marie", "tremblay"]),
]


def check_store_has_no_details(cluster, cases):
    chat, word = Conversation(cluster), marker()
    for message, _ in cases:
        chat.say(message.format(w=word))
    raw = stored(cluster, chat.sender)
    tracker = json.loads(raw)
    user_texts = [e.get("text") or "" for e in tracker["events"] if e.get("event") == "user"]
    assert len(user_texts) >= len(cases) and all(word in text for text in user_texts[-len(cases) :]), user_texts
    leaked = [detail for _, details in cases for detail in details if detail.lower().encode() in raw.lower()]
    assert leaked == [], f"stored in Redis: {leaked}"


def test_personal_details_are_removed_before_the_conversation_is_stored(cluster):
    check_store_has_no_details(cluster, DETAILS_MASKED_SINCE_ISSUE_7)


def test_lower_case_names_are_removed_before_the_conversation_is_stored(cluster):
    check_store_has_no_details(cluster, DETAILS_ADDED_IN_ISSUE_14)


def test_client_metadata_is_not_stored_with_personal_details(cluster):
    """The widget sends metadata (its language); anything else a client adds must not be stored raw."""
    chat, word = Conversation(cluster), marker()
    status, _ = post(
        cluster.rest_url,
        {
            "sender": chat.sender,
            "message": f"is naloxone free {word}",
            "metadata": {
                "language": "en",
                "email": "kelsey.b@example.org",
                "name": "Kelsey Brightwater",
                "phone": "604-555-0199",
            },
        },
    )
    assert status == 200
    raw = stored(cluster, chat.sender)
    assert word.encode() in raw
    leaked = [d for d in ("kelsey.b@example.org", "Brightwater", "604-555-0199") if d.lower().encode() in raw.lower()]
    assert leaked == [], f"stored in Redis: {leaked}"
