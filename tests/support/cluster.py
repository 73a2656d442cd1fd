"""Helpers of the cluster tests (fixtures: tests/cluster/conftest.py): conversations through the cluster, the
sender ids and marker words used (for the log test), and a search of files for them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot import rest_client
from bot.rest_client import post_json as post  # (status, reply), unchecked: the tests send bad input too
from bot.rest_client import texts as text_of
from ops.cluster import Cluster
from tests.support.repo import ROOT

MODEL = ROOT / "models" / "gsdoa.tar.gz"
ALLOWED_ORIGIN = "https://harmreduction.example"
__all__ = [
    "ALLOWED_ORIGIN",
    "MARKERS",
    "MODEL",
    "SENDERS",
    "Conversation",
    "files_containing",
    "files_under",
    "marker",
    "post",
    "text_of",
]


# Every sender id and marker word the cluster tests used in this session: the log test
# (tests/cluster/test_logs.py, run last) checks that none of them reached any log file.
SENDERS: set[str] = set()
MARKERS: set[str] = set()


def marker() -> str:
    """A word nobody else sends, remembered for the log test: "mk" + 6 random letter-digit pairs ("mka7q3…").

    Never two digits in a row and never a plain word, so the personal-details masking (digit runs are phone or
    ID numbers, words after "je m'appelle …" are names) can't cut it: a test that finds it stored knows the
    message itself was stored."""
    pick = secrets.SystemRandom()
    word = "mk" + "".join(pick.choice("abcdefghjkmnpqrstuvwxyz") + pick.choice("23456789") for _ in range(6))
    MARKERS.add(word)
    return word


def files_under(*roots: Path | None) -> Iterator[Path]:
    """Every regular file under the given directories (recursively; missing roots are skipped)."""
    for root in roots:
        if root is not None and root.exists():
            yield from (path for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink())


def files_containing(words: Iterable[str], *roots: Path | None) -> dict[str, list[str]]:
    """{word: [files whose bytes contain it (case-insensitive, binary-safe)]} for the words found anywhere."""
    words = [w for w in words if w]
    found: dict[str, list[str]] = {}
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

    def say(self, message: str, url: str | None = None) -> str:
        return text_of(rest_client.send(url or self.cluster.rest_url, self.sender, message, timeout=60))

    def forget(self) -> bool:
        return rest_client.forget(self.cluster.rest_url, self.sender)
