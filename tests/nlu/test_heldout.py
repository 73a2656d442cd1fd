"""The shipped model on lines it never trained on, through the whole NLU pipeline (fallback and safety nets
included, as in production):
- held-out splits (tests/nlu/heldout*.yml): written by a separate author in the style of the training data;
- fresh splits (tests/nlu/fresh_*.yml): real phrasings from public sources (FAQs, surveys, interviews, forums),
  split off before any training data was written for them — the gap to the held-out figure is the honest one;
- frozen safety sets (tests/frozen/): emergencies, people in crisis and look-alike questions written blind, never
  tuned on.
Labels are full intents: a retrieval intent counts as right only with the right answer (legal/arrest, not legal).
Floors sit ~0.02 under the measured values (docs/benchmarks.md), plus a per-intent recall floor, so a few intents
can't fail completely while the average stays green. Results go to results/nlu_*.json (bench reads them)."""

from __future__ import annotations

import json

import pytest

from ops.nlu_eval import evaluate_model, intent_share, load_agent, predict
from ops.overlap import nlu_examples
from tests.support.repo import ROOT, load_yaml

pytestmark = pytest.mark.model

SPLITS = {
    "heldout": "heldout.yml",
    "heldout_fr": "heldout_fr.yml",
    "fresh_en": "fresh_en.yml",
    "fresh_fr": "fresh_fr.yml",
}
# Measured on 2026-11-30 (docs/benchmarks.md) minus ~0.02.
MIN_MACRO_F1 = {"heldout": 0.96, "heldout_fr": 0.94, "fresh_en": 0.61, "fresh_fr": 0.69}
MIN_ACCURACY = {"heldout": 0.95, "heldout_fr": 0.93, "fresh_en": 0.66, "fresh_fr": 0.69}
# Every intent with at least 3 held-out lines recognises at least this share of them.
MIN_INTENT_RECALL = 0.5
# Safety: every emergency in the held-out splits gets the emergency answer.
MIN_EMERGENCY_RECALL = 1.0
# Frozen sets: the share that must get the emergency answer / the crisis answer, and the most look-alikes that may
# get the emergency answer by mistake (measured values, docs/benchmarks.md).
FROZEN = {
    "emergency_en.txt": ("emergency", 0.96, "min"),
    "emergency_fr.txt": ("emergency", 0.94, "min"),
    "distress_en.txt": ("suicidal", 0.90, "min"),
    "distress_fr.txt": ("suicidal", 0.86, "min"),
    "lookalikes_en.txt": ("emergency", 0.12, "max"),
    "lookalikes_fr.txt": ("emergency", 0.26, "max"),
}


@pytest.fixture(scope="module")
def agent():
    return load_agent(ROOT / "models" / "gsdoa.tar.gz")


@pytest.fixture(scope="module", params=sorted(SPLITS))
def split(request):
    return request.param


@pytest.fixture(scope="module")
def report(agent, split):
    result = evaluate_model(ROOT / "models" / "gsdoa.tar.gz", ROOT / "tests" / "nlu" / SPLITS[split], agent)
    out = ROOT / "results" / f"nlu_{split}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    emergency = result["per_intent"].get("emergency", {}).get("recall")
    print(
        f"\n{split}: accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}  "
        f"emergency recall {emergency}  (n={result['n']})"
    )
    for error in result["errors"][:40]:
        print(f"  {error['expected']:32s} -> {error['predicted']:32s} {error['text'][:70]}")
    return result


def test_macro_f1(report, split):
    assert report["macro_f1"] >= MIN_MACRO_F1[split]


def test_accuracy(report, split):
    assert report["accuracy"] >= MIN_ACCURACY[split]


@pytest.mark.parametrize("held_out", ["heldout", "heldout_fr"])
def test_no_intent_fails_completely_on_the_held_out_splits(agent, held_out):
    """Per intent, on the held-out splits (the fresh splits have too few lines per intent for a floor)."""
    result = evaluate_model(ROOT / "models" / "gsdoa.tar.gz", ROOT / "tests" / "nlu" / SPLITS[held_out], agent)
    weak = {
        name: round(s["recall"], 2)
        for name, s in result["per_intent"].items()
        if s["support"] >= 3 and s["recall"] < MIN_INTENT_RECALL
    }
    assert not weak, weak


def test_every_emergency_in_the_splits_is_recognised(report):
    assert "emergency" in report["per_intent"], "every split has emergency lines"
    assert report["per_intent"]["emergency"]["recall"] >= MIN_EMERGENCY_RECALL, [
        e for e in report["errors"] if e["expected"] == "emergency"
    ]


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_frozen_safety_sets(agent, name):
    intent, bound, kind = FROZEN[name]
    training = nlu_examples(str(ROOT / "data" / "nlu")) if kind == "min" else None
    result = intent_share(agent, ROOT / "tests" / "frozen" / name, (intent,), training)
    out = ROOT / "results" / f"frozen_{name.replace('.txt', '')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\n{name}: {intent} {result['share']:.3f} ({len(result['hits'])}/{result['n']})")
    if kind == "min":
        print(
            f"  lines that are not near-copies of a training line: {result['unseen_share']:.3f} "
            f"(n={result['unseen_n']})"
        )
        assert result["share"] >= bound, result["misses"]
        assert result["unseen_share"] >= bound - 0.02, result["misses"]
    else:
        assert result["share"] <= bound, result["hits"]


@pytest.mark.parametrize("label", ["label", "label_fr"])
def test_did_you_mean_buttons_lead_back_to_their_topic(agent, label):
    """ "Did you mean…?" buttons send their label as the message: each label must be understood as its intent."""
    offered = {
        name: entry[label]
        for name, entry in load_yaml("data/intents.yml")["intents"].items()
        if entry.get("offer", True) and name != "emergency"
    }
    predicted = dict(zip(offered, predict(agent, list(offered.values())), strict=True))
    wrong = {name: (offered[name], predicted[name]) for name in offered if predicted[name] != name}
    assert not wrong, wrong
