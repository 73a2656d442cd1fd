"""Is a test line (nearly) a training line of the same intent? The check that keeps held-out and fresh splits
honest: a test line that is a training line with one word changed measures memory, not understanding.

A test line overlaps a training line of the same (full) intent when, after lower-casing, stripping accents and
punctuation:
- they have the same words in any order ("what is narcan" / "narcan is what");
- both have 3+ words and differ by at most one word (one word replaced, added or removed:
  "what is naloxone" / "what is narcan");
- their characters are at least 85 % alike (difflib ratio).
Lines of 1–3 words ("ok", "thank you", "merci") may appear in both only when they are listed in
ALLOWED_SHORT_REPLIES: a short line that is also a training line is otherwise an overlap.

    python -m ops.overlap tests/nlu/heldout.yml            # list the overlapping lines
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence

CHAR_SIMILARITY = 0.85
ALLOWED_SHORT_REPLIES = frozenset(
    {
        "yes",
        "no",
        "ok",
        "okay",
        "yeah",
        "yep",
        "nope",
        "sure",
        "thanks",
        "thank you",
        "thx",
        "ty",
        "hi",
        "hello",
        "hey",
        "bye",
        "help",
        "stop",
        "start over",
        "oui",
        "non",
        "merci",
        "salut",
        "bonjour",
        "allo",
        "aide",
        "arreter",
        "recommencer",
        "d accord",
        "ok merci",
        "thanks bye",
        "no thanks",
        "non merci",
        "cool",
    }
)
_NON_WORD = re.compile(r"[^\w\s]|_")


def normalize(text: str) -> str:
    """'Qu'est-ce que la naloxone?' -> 'qu est ce que la naloxone'."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text).split())


def _one_word_apart(a: Sequence[str], b: Sequence[str]) -> bool:
    """True when a and b differ by one substituted, inserted or deleted word (or not at all)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(list(long_[:i]) + list(long_[i + 1 :]) == list(short) for i in range(len(long_)))


class OverlapIndex:
    """Training lines indexed for fast look-ups of near duplicates."""

    def __init__(self, training_texts: Iterable[str]) -> None:
        self.lines = sorted({normalize(t) for t in training_texts if normalize(t)})
        self._exact = set(self.lines)
        self._bags = {tuple(sorted(line.split())): line for line in self.lines}
        self._by_length: dict[int, list[tuple[str, ...]]] = {}
        for line in self.lines:
            words = tuple(line.split())
            self._by_length.setdefault(len(words), []).append(words)

    def match(self, text: str) -> str | None:
        """The training line `text` overlaps with, or None."""
        line = normalize(text)
        if not line:
            return None
        words = tuple(line.split())
        if len(words) <= 3 and line in ALLOWED_SHORT_REPLIES:
            return None
        if line in self._exact:
            return line
        bag = self._bags.get(tuple(sorted(words)))
        if bag:
            return bag
        if len(words) >= 3:
            for length in (len(words) - 1, len(words), len(words) + 1):
                if length < 3:
                    continue
                for candidate in self._by_length.get(length, []):
                    if _one_word_apart(words, candidate):
                        return " ".join(candidate)
        close = difflib.get_close_matches(line, self.lines, n=1, cutoff=CHAR_SIMILARITY)
        return close[0] if close else None


def overlaps(
    test_examples: Iterable[tuple[str, str]], training_examples: Iterable[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """(intent, test line, training line) for every (intent, text) test example that overlaps a training
    example of the same intent."""
    by_intent: dict[str, list[str]] = {}
    for intent, text in training_examples:
        by_intent.setdefault(intent, []).append(text)
    indexes = {intent: OverlapIndex(texts) for intent, texts in by_intent.items()}
    found = []
    for intent, text in test_examples:
        index = indexes.get(intent)
        match = index.match(text) if index else None
        if match is not None:
            found.append((intent, text, match))
    return found


def nlu_examples(path: str) -> list[tuple[str, str]]:
    """(full intent, text) of every example in an NLU file or directory."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(example.get_full_intent(), example.get("text")) for example in load_data(path).intent_examples]


if __name__ == "__main__":
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    training = nlu_examples(str(root / "data" / "nlu"))
    for split in sys.argv[1:]:
        found = overlaps(nlu_examples(split), training)
        print(f"{split}: {len(found)} overlapping lines")
        for intent, test_line, train_line in found:
            print(f"  [{intent}] {test_line!r}  ~  {train_line!r}")
