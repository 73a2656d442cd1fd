"""data/nlu/: one file per topic and language, the same topics in both languages; each topic file holds only its
topic's intents (docs/training-data-guide.md). Generated: <language>/collected.yml (scripts/split_collected.py)
and button_labels.yml (ops/button_labels.py)."""

from __future__ import annotations

import pytest
import yaml

from tests.support.repo import ROOT

NLU = ROOT / "data" / "nlu"
LANGUAGES = ("en", "fr")
GENERATED = {"collected.yml"}
SAFETY = {"emergency", "suicidal", "request_dosing", "request_synthesis", "request_evasion"}
FAMILIES = {"legal", "health", "services", "policy", "privacy", "follow_up"}


def topic_of(intent: str) -> str:
    base = intent.split("/")[0]
    return base if base in FAMILIES else "safety" if base in SAFETY else "conversation"


def test_only_language_folders_and_the_generated_button_labels_at_the_top():
    assert sorted(p.name for p in NLU.iterdir()) == ["button_labels.yml", *LANGUAGES]


def test_the_same_topics_in_both_languages():
    topics = {language: sorted(p.name for p in (NLU / language).glob("*.yml")) for language in LANGUAGES}
    assert topics["en"] == topics["fr"]
    assert set(topics["en"]) - GENERATED == {f"{t}.yml" for t in {"safety", "conversation", *FAMILIES}}


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(NLU).as_posix()
        for language in LANGUAGES
        for p in (NLU / language).glob("*.yml")
        if p.name not in GENERATED
    ),
)
def test_each_topic_file_holds_its_topic_only(path):
    blocks = yaml.safe_load((NLU / path).read_text(encoding="utf-8"))["nlu"]
    strays = sorted({b["intent"] for b in blocks if topic_of(b["intent"]) != path.split("/")[1][: -len(".yml")]})
    assert not strays, strays
