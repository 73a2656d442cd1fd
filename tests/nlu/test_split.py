"""The test splits must stay unseen: no held-out or fresh line may be a training line of the same intent, nearly
(ops/overlap.py: same words in any order, one word apart, or 85 % alike) — else they measure memory."""

import pytest

from ops.overlap import OverlapIndex, nlu_examples, normalize, overlaps
from tests.support.repo import ROOT

SPLITS = sorted(p.name for p in (ROOT / "tests" / "nlu").glob("*.yml"))


@pytest.fixture(scope="module")
def training():
    return nlu_examples(str(ROOT / "data" / "nlu"))


@pytest.mark.parametrize("split", SPLITS)
def test_test_splits_do_not_overlap_training_data(split, training):
    found = overlaps(nlu_examples(str(ROOT / "tests" / "nlu" / split)), training)
    assert not found, found


def test_the_splits_are_found():
    assert {"heldout.yml", "heldout_fr.yml"} <= set(SPLITS)


@pytest.mark.parametrize(
    "test_line, training_line",
    [
        ("what is naloxone", "what is narcan"),  # one word replaced
        ("can police arrest me", "can the police arrest me"),  # one word added
        ("narcan is free", "is narcan free"),  # same words, other order
        ("Qu'est-ce que la naloxone?", "qu est ce que la naloxone"),  # accents and punctuation
        ("where can i get my drugs testd", "where can i get my drugs checked"),
    ],
)
def test_near_duplicates_are_caught(test_line, training_line):
    assert OverlapIndex([training_line]).match(test_line) is not None


@pytest.mark.parametrize(
    "test_line, training_line",
    [
        ("is there a line for kids", "what is naloxone"),
        ("can cops search my car at an overdose call", "can police arrest me"),
        ("ok", "ok"),  # listed short reply
        ("merci", "merci"),
    ],
)
def test_different_lines_and_listed_short_replies_pass(test_line, training_line):
    assert OverlapIndex([training_line]).match(test_line) is None


def test_a_short_line_not_listed_is_an_overlap():
    assert OverlapIndex(["narcan"]).match("Narcan!") == normalize("narcan")
