"""Shared fixtures (helpers that tests import by name live in tests/support/). Tests that need a trained model
are marked `model`; tests that need the real servers are marked `servers` (see the Makefile: test-unit runs
neither, test-nlu / test-conversations run them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.repo import ROOT

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_configure(config):
    config.addinivalue_line("markers", "model: needs the trained model in models/ (loaded in-process)")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def spacy_model():
    """The project's installed spaCy pipeline wrapped like Rasa's SpacyNLP provides it."""
    import spacy
    from rasa.nlu.utils.spacy_utils import SpacyModel

    return SpacyModel(model=spacy.load("en_gsdoa_pipeline", disable=["parser"]), model_name="en_gsdoa_pipeline")


@pytest.fixture(scope="session")
def domain_dict():
    from rasa.shared.core.domain import Domain
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    domain: Domain = importer.get_domain()
    return domain.as_dict()
