"""The held-out NLU split must stay unseen: no training example may be (nearly) the same as a held-out one."""
import difflib
import re

import pytest

from rasa.shared.nlu.training_data.loading import load_data

from tests.conftest import ROOT

MAX_SIMILARITY = 0.9


def normalized(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.mark.parametrize("split", ["heldout.yml", "heldout_fr.yml"])
def test_training_and_held_out_examples_do_not_overlap(split):
    train = {normalized(e.get("text")) for e in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    held_out = [normalized(e.get("text")) for e in load_data(str(ROOT / "tests" / "nlu" / split)).intent_examples]
    overlaps = []
    for text in held_out:
        if text in train:
            overlaps.append((text, text))
            continue
        for candidate in difflib.get_close_matches(text, train, n=1, cutoff=MAX_SIMILARITY):
            overlaps.append((text, candidate))
    assert not overlaps, overlaps
