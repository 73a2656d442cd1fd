"""Several Rasa servers sharing Redis behind nginx (issue 7): state survives moving between servers, a server
killed under load and a Rasa restart; a Redis restart (memory only: conversations in progress are lost) and the
action server being down are answered clearly and recovered from."""

import re
import threading
import time

import pytest

from ops.supervisor import wait_until
from tests.support.cluster import Conversation, post, text_of

pytestmark = pytest.mark.cluster
NINE_ONE_ONE = re.compile(r"(?<!\d)9[- .]?1[- .]?1(?!\d)")
CHECK = [("can you check if the law protects me", "1/4"), ("yes", "2/4"), ("no", "3/4"), ("no", "4/4")]


def test_a_conversation_alternating_between_servers_keeps_its_state(cluster):
    chat = Conversation(cluster)
    replies = [chat.say(message, cluster.rasa_rest_url(turn % 2)) for turn, (message, _) in enumerate(CHECK)]
    for reply, (_, expected) in zip(replies, CHECK, strict=True):
        assert expected in reply, reply
    verdict = chat.say("no", cluster.rasa_rest_url(1))  # the last answer: the verdict, from all four slots
    assert "possession" in verdict and "Source" in verdict, verdict


def test_slots_set_on_one_server_are_seen_by_the_other(cluster):
    chat = Conversation(cluster)
    chat.say("bonjour, c'est quoi la naloxone", cluster.rasa_rest_url(0))
    assert "Appelez le 911" in chat.say("/emergency", cluster.rasa_rest_url(1))  # language slot from server 0


def load(cluster, users: int, seconds: float, during=None):
    """`users` threads run the check again and again through nginx. Returns the request count, the failed
    requests (status, time) and the replies that don't continue their conversation where it was. `during(stats)`
    runs meanwhile (it sees the live counts and may move stats["until"], when the users stop)."""
    stats = {"requests": 0, "errors": [], "lost": [], "until": time.monotonic() + seconds}
    lock = threading.Lock()

    def user():
        while time.monotonic() < stats["until"]:
            chat = Conversation(cluster)
            for message, expected in CHECK:
                status, body = post(cluster.rest_url, {"sender": chat.sender, "message": message}, timeout=60)
                with lock:
                    stats["requests"] += 1
                    if status != 200:
                        stats["errors"].append((status, time.monotonic(), str(body)))
                    elif expected not in text_of(body):
                        stats["lost"].append((expected, text_of(body)[:80]))
                if status != 200:
                    break  # like a person told "try again": this conversation is left, a new one starts

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    try:
        if during:
            during(stats)
    except BaseException:
        stats["until"] = 0  # the users stop after their current message
        raise
    finally:
        for thread in threads:
            thread.join()
    return stats


def test_one_server_killed_under_load_keeps_serving_and_no_conversation_loses_its_state(cluster):
    users, killed_at = 10, {}

    def kill_one(stats):
        # under load: once every user has had a couple of answers (not after a fixed time, which a slow machine
        # may spend still connecting)
        wait_until(lambda: stats["requests"] >= 2 * users, timeout=60, interval=0.05, message="load running")
        killed_at["t"] = time.monotonic()
        stats["until"] = killed_at["t"] + 11  # the load goes on 11 s after the kill, however long it took to start
        cluster.stop("rasa1", hard=True)  # SIGKILL: no graceful shutdown

    try:
        stats = load(cluster, users=users, seconds=75, during=kill_one)
    finally:
        cluster.restart("rasa1")
    print(
        f"\nkill under load: {stats['requests']} requests, {len(stats['errors'])} failed (in flight on the "
        f"killed server), {len(stats['lost'])} lost states"
    )
    assert stats["requests"] > 50
    assert stats["lost"] == []
    # only messages in flight on the killed server may fail: at most one per user, right at the kill, each with
    # the friendly "try again" answer; everything after is served by the other server
    assert len(stats["errors"]) <= users
    for status, when, body in stats["errors"]:
        assert status == 503 and "try again" in body and "911" in body, body
        assert when - killed_at["t"] < 35, "a request failed long after the kill"


def test_a_restarted_rasa_server_continues_a_conversation_from_redis(cluster):
    chat = Conversation(cluster)
    assert "1/4" in chat.say(CHECK[0][0], cluster.rasa_rest_url(0))
    assert "2/4" in chat.say("yes", cluster.rasa_rest_url(0))
    cluster.restart("rasa0")
    assert "3/4" in chat.say("no", cluster.rasa_rest_url(0))


def test_redis_restart_fails_clearly_then_recovers_without_restarting_rasa(cluster):
    """Redis keeps conversations in memory only (no snapshot, no append-only file: nothing of a deleted or
    expired conversation may stay on disk), so a Redis restart loses the conversations in progress. The bot
    says so clearly while Redis is down, then serves again, with the same Rasa servers, from a fresh start."""
    chat = Conversation(cluster)
    assert "1/4" in chat.say(CHECK[0][0])
    assert "2/4" in chat.say("yes")
    rasa_pids = {name: process.pid for name, process in cluster.processes.items() if name.startswith("rasa")}
    cluster.stop("redis")
    try:
        status, body = post(cluster.rest_url, {"sender": chat.sender, "message": "no"})
        assert status in (200, 503), (status, body)  # a clear message, never a 500 or silence
        assert NINE_ONE_ONE.search(text_of(body) if isinstance(body, list) else str(body))
    finally:
        cluster.restart("redis")
    assert cluster.redis_command("EXISTS", f"gsdoa:tracker:{chat.sender}") == "0"  # gone with the restart
    # the same Rasa servers (no restart) serve again: the person starts the check over, on any server (Rasa
    # reconnects to Redis on its own; waited for with a deadline)
    replies = []

    def check_starts() -> bool:
        replies.append(post(cluster.rest_url, {"sender": chat.sender, "message": CHECK[0][0]}))
        status, body = replies[-1]
        return status == 200 and "1/4" in text_of(body)

    try:
        wait_until(check_starts, timeout=60, interval=0.5, message="the check after Redis restarted")
    except TimeoutError as error:
        raise AssertionError(f"{error}; last reply: {replies[-1]}") from error
    assert "2/4" in chat.say("yes", cluster.rasa_rest_url(1))
    assert "911" in Conversation(cluster).say("my friend is not breathing")
    assert rasa_pids == {name: process.pid for name, process in cluster.processes.items() if name.startswith("rasa")}


def test_action_server_down_still_answers_emergencies_and_fixed_answers(cluster):
    cluster.stop("actions")
    try:
        chat = Conversation(cluster)
        assert NINE_ONE_ONE.search(chat.say("my buddy is blue and not breathing").splitlines()[0])
        assert "Wilson" in Conversation(cluster).say("can cops arrest me for possession if i call 911")
        assert Conversation(cluster).say("we are in halifax").strip()  # needs an action: still a reply
    finally:
        cluster.restart("actions")
