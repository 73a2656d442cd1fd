"""Response variants are chosen deterministically, the most specific match first (gsdoa_nlu/nlg.py): a French
young person in crisis always gets Kids Help Phone (Jeunesse, J'écoute), never the plain French variant by chance."""

from __future__ import annotations

import pytest
import yaml
from rasa.shared.core.domain import Domain

from gsdoa_nlu.nlg import MostSpecificResponseGenerator, ties
from tests.support.repo import ROOT


@pytest.fixture(scope="module")
def nlg():
    responses = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return MostSpecificResponseGenerator(responses=responses)


def pick(nlg, name, **slots):
    return nlg._random_response_for(name, "rest", slots)["text"]


def test_a_french_young_person_in_crisis_always_gets_the_youth_line(nlg):
    texts = {pick(nlg, "utter_suicidal", language="fr", crisis_audience="youth") for _ in range(40)}
    assert len(texts) == 1 and "686868" in texts.pop()


def test_the_emergency_steps_for_a_french_stimulant_overdose_are_always_the_stimulant_ones(nlg):
    general = pick(nlg, "utter_emergency_more", language="fr", emergency_kind="general")
    texts = {pick(nlg, "utter_emergency_more", language="fr", emergency_kind="stimulant") for _ in range(40)}
    assert len(texts) == 1 and texts.pop() != general


def test_without_a_matching_condition_the_default_variant_is_used(nlg):
    assert pick(nlg, "utter_suicidal", language=None, crisis_audience=None).startswith(
        pick(nlg, "utter_suicidal", language="en", crisis_audience=None)[:20]
    )


def test_no_two_variants_of_a_response_have_the_same_conditions(nlg):
    assert ties(nlg.responses) == []


def test_rasa_alone_would_pick_at_random_here(nlg):
    """Why the class exists: Rasa's own filter returns both French variants for a French young person."""
    from rasa.core.nlg.generator import ResponseVariationFilter

    pool = ResponseVariationFilter(nlg.responses).responses_for_utter_action(
        "utter_suicidal", "rest", {"language": "fr", "crisis_audience": "youth"}
    )
    assert len(pool) >= 2


@pytest.mark.parametrize("path", ["endpoints.yml", "deploy/endpoints.production.yml"])
def test_every_endpoints_file_uses_it(path):
    nlg = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))["nlg"]
    assert nlg == {"type": "gsdoa_nlu.nlg.MostSpecificResponseGenerator"}


def test_rasa_can_build_it_from_the_endpoints_file():
    from rasa.core.nlg.generator import NaturalLanguageGenerator
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "nlg")
    domain = Domain.load([str(ROOT / "domain.yml"), str(ROOT / "data" / "responses")])
    generator = NaturalLanguageGenerator.create(config, domain)
    assert isinstance(generator, MostSpecificResponseGenerator) and generator.responses
