"""Intent accuracy and macro-F1 on held-out NLU splits, never used for training: tests/nlu/heldout.yml (English,
with a few French lines as people mix) and tests/nlu/heldout_fr.yml (French: Québécois, Acadian, standard).

Labels are full intents: retrieval intents count as right only if the ResponseSelector picked the right
answer too (legal/arrest, not just legal). The emergency safety net is part of the pipeline, as in production.
Results are printed and written to results/nlu_heldout[_fr].json (bench reads them from there too)."""
from __future__ import annotations

import json

import pytest

from ops.nlu_eval import evaluate_model, load_agent, predict
from tests.conftest import ROOT, load_yaml

pytestmark = pytest.mark.model

# Thresholds we hold the shipped model to (README "Tests"). Emergency recall is a safety invariant.
MIN_MACRO_F1 = {"en": 0.85, "fr": 0.85}
MIN_ACCURACY = {"en": 0.88, "fr": 0.85}
MIN_EMERGENCY_RECALL = 1.0
SPLITS = {"en": "heldout.yml", "fr": "heldout_fr.yml"}


@pytest.fixture(scope="module")
def agent():
    return load_agent(ROOT / "models" / "gsdoa.tar.gz")


@pytest.fixture(scope="module", params=sorted(SPLITS))
def language(request):
    return request.param


@pytest.fixture(scope="module")
def report(agent, language):
    result = evaluate_model(ROOT / "models" / "gsdoa.tar.gz", ROOT / "tests" / "nlu" / SPLITS[language], agent)
    out = ROOT / "results" / ("nlu_heldout.json" if language == "en" else f"nlu_heldout_{language}.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nheld-out NLU ({language}): accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}  "
          f"emergency recall {result['per_intent']['emergency']['recall']:.3f}  (n={result['n']})")
    for error in result["errors"][:40]:
        print(f"  {error['expected']:32s} -> {error['predicted']:32s} {error['text'][:70]}")
    return result


def test_macro_f1(report, language):
    assert report["macro_f1"] >= MIN_MACRO_F1[language]


def test_accuracy(report, language):
    assert report["accuracy"] >= MIN_ACCURACY[language]


def test_every_held_out_emergency_is_recognised(report):
    assert report["per_intent"]["emergency"]["recall"] >= MIN_EMERGENCY_RECALL, [
        e for e in report["errors"] if e["expected"] == "emergency"]


@pytest.mark.parametrize("label", ["label", "label_fr"])
def test_did_you_mean_buttons_lead_back_to_their_topic(agent, label):
    """"Did you mean…?" buttons send their label as the message: each label must be understood as its intent."""
    offered = {name: entry[label] for name, entry in load_yaml("data/intents.yml")["intents"].items()
               if entry.get("offer", True) and name != "emergency"}
    predicted = dict(zip(offered, predict(agent, list(offered.values()))))
    wrong = {name: (offered[name], predicted[name]) for name in offered if predicted[name] != name}
    assert not wrong, wrong
