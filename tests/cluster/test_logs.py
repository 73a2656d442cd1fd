"""No user text and no sender id in any log the cluster writes (issue 14) — also when things fail: Redis down,
the action server down, a Rasa server killed mid-message. Runs after every other cluster test (conftest moves
it last), so it also covers every sender id and marker those tests used (the kill-under-load and outage runs of
test_reliability.py, the store tests)."""

import contextlib
import threading

import pytest

from ops.cluster import LOG_DIR
from ops.supervisor import wait_until
from tests.support.cluster import MARKERS, SENDERS, Conversation, files_containing, marker, post

pytestmark = pytest.mark.cluster


def shapes(word: str):
    """Messages of every shape a person (or a crafted client) could send, each carrying `word`."""
    return [
        f"my name is Ann {word} and can police arrest me",
        f"{word} mon chum respire pu",
        f"blorp {word} qwv",
        f"/help my friend took fent {word}, i'm on probation",
        f'/inform{{"city": "{word}"}}',
        f"/{word}",
        f'/greet{{"{word}": 1',
        f"call 604-555-0199 {word}",
        f"{word} " * 3000,
    ]  # the last one is over nginx's 16 KB limit: 413


class Traffic:
    """Sends marker messages from fresh senders, remembering both."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.words = []
        self.senders = []
        self.answered = 0  # messages a server answered (any status)

    def send(self, url: str = None, messages=None, timeout: float = 60) -> None:
        chat, word = Conversation(self.cluster), marker()
        self.words.append(word)
        self.senders.append(chat.sender)
        texts = [m.format(w=word) for m in messages] if messages else shapes(word)
        for text in texts:
            try:
                post(url or self.cluster.rest_url, {"sender": chat.sender, "message": text}, timeout=timeout)
                self.answered += 1
            except OSError:  # the server was killed: connection refused / reset
                pass
        with contextlib.suppress(OSError):
            post(f"{self.cluster.url}/webhooks/rest/forget", {"sender": chat.sender}, timeout=timeout)


def test_no_log_holds_user_text_or_sender_ids_even_when_parts_fail(cluster):
    traffic = Traffic(cluster)
    traffic.send()  # everything up
    traffic.send(cluster.rasa_rest_url(0))  # straight to a Rasa server's channel

    cluster.stop("redis")  # conversation store down
    try:
        traffic.send(timeout=30)
    finally:
        cluster.restart("redis")

    cluster.stop("actions")  # action server down
    try:
        traffic.send(
            messages=[
                "we are in halifax {w}",
                "can you check if the law protects me {w}",
                "yes",
                "where can i get naloxone in {w}",
            ]
        )
    finally:
        cluster.restart("actions")

    # A Rasa server killed while it handles marker messages; the same conversations go on through nginx (the
    # killed server's conversation locks are still in Redis until they expire).
    killers = []
    for _ in range(4):
        killers.append(
            threading.Thread(
                target=traffic.send,
                kwargs={
                    "url": cluster.rasa_rest_url(1),
                    "messages": ["can you check if the law protects me {w}", "yes {w}", "no {w}", "no {w}"] * 3,
                },
            )
        )
    try:
        answered = traffic.answered
        for thread in killers:
            thread.start()
        # killed while the conversations are under way: after the first answers, with most messages still to come
        wait_until(
            lambda: traffic.answered >= answered + 4,
            timeout=120,
            interval=0.05,
            message="rasa1 answering the marker messages",
        )
        cluster.stop("rasa1", hard=True)
        for thread in killers:
            thread.join()
        for sender, word in zip(traffic.senders[-4:], traffic.words[-4:], strict=True):
            post(cluster.rest_url, {"sender": sender, "message": f"no {word}"}, timeout=60)
    finally:
        cluster.restart("rasa1")
    traffic.send()  # after the restart

    words = set(traffic.words) | MARKERS
    senders = set(traffic.senders) | SENDERS
    # a sender id in full, and its random part alone (a log line could cut or re-prefix it)
    ids = senders | {sender.split("-", 1)[1] for sender in senders if "-" in sender}
    logs = [path for path in LOG_DIR.rglob("*") if path.is_file()]
    # this run's own logs (build/logs/cluster-<run id>/) are among the files read, and Rasa's are really written
    for name in ("rasa0", "rasa1", "actions", "redis", "nginx"):
        assert cluster.log_path(name) in logs, name
    assert files_containing(sorted(words), LOG_DIR) == {}
    assert files_containing(sorted(ids), LOG_DIR) == {}
