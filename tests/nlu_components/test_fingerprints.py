"""Rasa's training cache retrains a custom component when, and only when, something it reads at training time changed:
the files and modules named by its `fingerprint_addon` (gsdoa_nlu/fingerprints.py), compared by content."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import gsdoa_nlu.fingerprints as fingerprints
from gsdoa_nlu.classifier import FlatIntentClassifier
from gsdoa_nlu.components import GazetteerAnnotator, LanguageDecider, MessageSanitizer, SafetyNets
from gsdoa_nlu.nlu_data import pipeline_reads_answers, without_answers
from tests.support.repo import ROOT, load_yaml

COMPONENTS = (MessageSanitizer, GazetteerAnnotator, FlatIntentClassifier, LanguageDecider, SafetyNets)
RUN_TIME_ONLY = ("channels.py", "nlg.py", "stores.py", "language.py")


@pytest.fixture
def copies(tmp_path, monkeypatch):
    """A copy of the package's modules and of the data files the components read; the components point at them."""
    package = tmp_path / "gsdoa_nlu"
    shutil.copytree(ROOT / "gsdoa_nlu", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprints, "PACKAGE_DIR", package)
    configs = {}
    for component in (LanguageDecider, SafetyNets):
        config = {}
        for key in component.DATA_FILE_KEYS:
            target = tmp_path / "data" / component.get_default_config()[key]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / component.get_default_config()[key], target)
            config[key] = str(target)
        configs[component] = config
    return package, configs


def addons(configs) -> dict:
    return {component: component.fingerprint_addon(configs.get(component, {})) for component in COMPONENTS}


def changed(before: dict, after: dict) -> set:
    return {component.__name__ for component in COMPONENTS if before[component] != after[component]}


def test_stable_and_by_content_not_by_time(copies):
    package, configs = copies
    before = addons(configs)
    assert addons(configs) == before
    for path in [
        *package.glob("*.py"),
        *(p for c in configs.values() for p in map(Path, c.values())),
    ]:
        path.write_bytes(path.read_bytes())  # same content, new modification time
    assert addons(configs) == before


@pytest.mark.parametrize(
    "key, component",
    [("vocabulary", LanguageDecider), ("patterns", SafetyNets), ("distress", SafetyNets), ("catalogue", SafetyNets)],
)
def test_a_data_file_retrains_only_its_reader(copies, key, component):
    _, configs = copies
    before = addons(configs)
    path = Path(configs[component][key])
    original = path.read_bytes()
    path.write_bytes(original + b"\n# one more line\n")
    assert changed(before, addons(configs)) == {component.__name__}
    path.write_bytes(original)
    assert addons(configs) == before


@pytest.mark.parametrize(
    "module, expected",
    [
        ("text.py", {"MessageSanitizer", "GazetteerAnnotator", "SafetyNets"}),
        ("classifier.py", {"FlatIntentClassifier"}),
        ("embeddings.py", {"FlatIntentClassifier", "SafetyNets"}),
        ("places.py", {"FlatIntentClassifier", "GazetteerAnnotator"}),
        ("components.py", {"GazetteerAnnotator", "LanguageDecider", "SafetyNets"}),
        *[(name, set()) for name in RUN_TIME_ONLY],
    ],
)
def test_a_module_retrains_only_what_runs_it(copies, module, expected):
    package, configs = copies
    before = addons(configs)
    path = package / module
    path.write_bytes(path.read_bytes() + b"\n# edited\n")
    assert changed(before, addons(configs)) == expected


def test_a_new_spacy_pipeline_retrains_what_reads_the_parse(copies, monkeypatch):
    _, configs = copies
    before = addons(configs)
    for module in ("gsdoa_nlu.components", "gsdoa_nlu.classifier"):
        monkeypatch.setattr(f"{module}.spacy_pipeline_version", lambda: "0.1.1")
    assert changed(before, addons(configs)) == {"GazetteerAnnotator", "FlatIntentClassifier", "SafetyNets"}


def test_fingerprint_names_do_not_depend_on_the_clone(copies):
    package, configs = copies
    assert fingerprints._name(package / "text.py") == "gsdoa_nlu/text.py"


def test_makefile_retrains_when_training_code_changes():
    """`make train` runs Rasa when a module a component fingerprints changed, and not for run-time-only ones."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    block = re.search(r"^TRAINING_CODE\s*:=\s*\$\(addprefix gsdoa_nlu/,(.*?)\)\s*$", makefile, re.M | re.S)
    assert block, "Makefile: TRAINING_CODE := $(addprefix gsdoa_nlu/,...)"
    listed = set(block.group(1).replace("\\", " ").split())
    fingerprinted = {p.rsplit("/", 1)[-1] for c in COMPONENTS for p in c.fingerprint_sources({}) if "gsdoa_nlu" in p}
    assert fingerprinted | {"fingerprints.py", "nlu_data.py"} == listed
    assert not listed & set(RUN_TIME_ONLY)
    assert "--force" not in re.search(r"^\t\$\(RASA\) train .*$", makefile, re.M).group(0)


def test_answer_texts_are_no_nlu_input_without_a_response_selector():
    assert not pipeline_reads_answers(load_yaml("config.yml"))
    assert pipeline_reads_answers({"pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "ResponseSelector"}]})


def test_without_answers_keeps_every_example():
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = [Message.build("can they arrest me", intent="legal/arrest"), Message.build("hi", intent="greet")]
    data = TrainingData(examples, responses={"utter_legal/arrest": [{"text": "No."}]})
    stripped = without_answers(data)
    assert stripped.responses == {}
    assert [(m.get("text"), m.get_full_intent()) for m in stripped.training_examples] == [
        (m.get("text"), m.get_full_intent()) for m in data.training_examples
    ]
    assert stripped.retrieval_intents == data.retrieval_intents == {"legal"}
    assert (
        stripped.fingerprint()
        == without_answers(
            TrainingData(examples, responses={"utter_legal/arrest": [{"text": "No, and here is why."}]})
        ).fingerprint()
    )


def test_the_project_nlu_data_reaches_the_pipeline_without_answers():
    """Through Rasa's own importer and provider, as `rasa train` runs them: same examples, no answer texts."""
    from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    full = importer.get_nlu_data("en")
    provided = NLUTrainingDataProvider.create({"language": "en", "persist": False}, None, None, None).provide(importer)
    assert full.responses and any(m.get("response") for m in full.training_examples)
    assert provided.responses == {} and not any(m.get("response") for m in provided.training_examples)

    def pairs(data):
        return sorted(
            tuple(str(m.get(k) or "") for k in ("intent_response_key", "intent", "text", "action_name"))
            for m in data.training_examples
        )

    assert pairs(provided) == pairs(full)
