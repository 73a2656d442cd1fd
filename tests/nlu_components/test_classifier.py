"""The flat intent classifier (gsdoa_nlu/classifier.py) on a small training set, with Rasa's real tokenizer and
model storage: full intents (answers) are predicted, confidences are calibrated, a message with no known word
gets a confidence low enough for the fallback to ask, and the model survives saving and loading."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from gsdoa_nlu.classifier import FlatIntentClassifier

TRAINING = {
    "legal/arrest": [
        "can the police arrest me",
        "will i get arrested if i call",
        "can cops take me in",
        "am i going to be arrested",
        "could they arrest me for calling 911",
        "arrested for calling?",
    ],
    "health/naloxone_get": [
        "where can i get naloxone",
        "where do i find a narcan kit",
        "naloxone kit near me",
        "how do i get a free naloxone kit",
        "who gives out narcan",
        "get naloxone where",
    ],
    "greet": ["hi", "hello", "hey there", "good morning", "bonjour", "hello bot"],
}
FALLBACK_THRESHOLD = 0.25  # config.yml


@pytest.fixture(scope="module")
def parse(spacy_model):
    tokenizer = SpacyTokenizer(SpacyTokenizer.get_default_config())

    def run(texts, intents=None):
        messages = [Message(data={TEXT: text, "text_spacy_doc": spacy_model.model(text)}) for text in texts]
        tokenizer.process(messages)
        for message, full in zip(messages, intents or [], strict=False):  # no intents: none set
            message.set(INTENT, full.split("/")[0])
            if "/" in full:
                message.set("intent_response_key", full)
        return messages

    return run


@pytest.fixture(scope="module")
def trained(tmp_path_factory, parse):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("flat")
    texts = [t for texts in TRAINING.values() for t in texts]
    labels = [label for label, texts in TRAINING.items() for _ in texts]
    component = FlatIntentClassifier.create(
        {**FlatIntentClassifier.get_default_config(), "embeddings": False},
        storage,
        resource,
        ExecutionContext(GraphSchema({}), "test"),
    )
    component.train(TrainingData(training_examples=parse(texts, labels)))
    return component, storage, resource


def predict(component, parse, text):
    message = component.process(parse([text]))[0]
    return message


def test_it_predicts_the_answer_not_only_the_topic(trained, parse):
    component, _, _ = trained
    message = predict(component, parse, "can police arrest me if i call 911")
    assert message.get(INTENT)["name"] == "legal"
    assert message.get("response_selector")["legal"]["response"]["intent_response_key"] == "legal/arrest"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "legal/arrest"


def test_confidences_are_probabilities(trained, parse):
    component, _, _ = trained
    ranking = predict(component, parse, "where is a naloxone kit").get(INTENT_RANKING_KEY)
    confidences = [r["confidence"] for r in ranking]
    assert ranking[0]["name"] == "health/naloxone_get" and confidences == sorted(confidences, reverse=True)
    assert 0 < sum(confidences) <= 1.0 + 1e-6 and confidences[0] > FALLBACK_THRESHOLD


@pytest.mark.parametrize("text", ["xqzv plorbt wenk", "zzzz qqqq", "blorp?"])
def test_a_message_without_any_known_word_goes_to_the_fallback(trained, parse, text):
    component, _, _ = trained
    message = predict(component, parse, text)
    assert component.known_words(parse([text]))[0] == 0
    assert message.get(INTENT)["confidence"] < FALLBACK_THRESHOLD


def test_one_known_word_is_enough_to_answer(trained, parse):
    component, _, _ = trained
    message = predict(component, parse, "naloxone blorp")
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "health/naloxone_get"
    assert message.get(INTENT)["confidence"] > FALLBACK_THRESHOLD


def test_the_model_is_the_same_after_saving_and_loading(trained, parse):
    component, storage, resource = trained
    loaded = FlatIntentClassifier.load(
        {**FlatIntentClassifier.get_default_config(), "embeddings": False},
        storage,
        resource,
        ExecutionContext(GraphSchema({}), "test"),
    )
    texts = ["will cops arrest me", "hello", "narcan where"]
    before = component.probabilities(parse(texts), None)
    after = loaded.probabilities(parse(texts), None)
    assert np.allclose(before, after, atol=1e-5)
