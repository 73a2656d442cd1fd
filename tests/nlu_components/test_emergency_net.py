"""The emergency safety net on its own (spaCy Matcher over the project's pipeline, no trained model)."""
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from gsdoa_nlu.components import SAFETY_NET_KEY, EmergencySafetyNet
from gsdoa_nlu.patterns import compile_emergency_patterns, load_yaml
from tests.conftest import ROOT, read_lines

# The held-out phrasings (tests/conversation/emergency_phrasings.txt) were written separately from the patterns.
# The net alone must catch at least this share; together with the classifier every one must get 911
# (tests/conversation/test_emergency.py checks that over REST).
MIN_NET_RECALL = 0.9
# Questions that mention overdoses but describe no emergency now: a false alarm costs a reply that starts with
# 911 instead of the answer, so keep it rare.
MAX_FALSE_ALARMS = 0.15


@pytest.fixture(scope="module")
def net():
    data = {"patterns": compile_emergency_patterns(load_yaml(ROOT / "data/patterns/emergency.yml"))}
    return EmergencySafetyNet({"patterns": "unused"}, None, None, data)


@pytest.mark.parametrize("text", [
    "my friend isnt breathing", "she wont wake up", "he's turning blue", "her lips r blue",
    "hes od'ing rn", "im overdosing", "Help!!! OD", "help he's dying", "he's unresponsive",
    "guy collapsed in the washroom", "making gurgling sounds", "shes having a seizure",
    "i took way too many pills", "gave him narcan 3 min ago and nothing",
    "il respire pu", "a se réveille pas", "mon chum fait une surdose", "y vire bleu",
    "😱 bro on the floor 🥶 wont move",
])
def test_clear_emergencies_are_flagged(net, spacy_model, text):
    assert net.matches(text, spacy_model), text


@pytest.mark.parametrize("text", [
    "what are the signs of an overdose", "how long does naloxone last", "can police arrest me if i call 911",
    "is naloxone free in ontario", "my friend overdosed last year and survived", "how many people died in 2024",
    "how much xanax can i take without dying",
])
def test_questions_are_not_flagged(net, spacy_model, text):
    assert not net.matches(text, spacy_model), text


@pytest.mark.parametrize("path", ["tests/conversation/emergency_phrasings.txt",
                                  "tests/conversation/emergency_phrasings_fr.txt"])
def test_recall_on_held_out_phrasings(net, spacy_model, path):
    phrasings = read_lines(path)
    missed = [t for t in phrasings if not net.matches(t, spacy_model)]
    recall = 1 - len(missed) / len(phrasings)
    print(f"\nsafety-net recall {recall:.3f} ({len(phrasings) - len(missed)}/{len(phrasings)}); missed: {missed}")
    assert recall >= MIN_NET_RECALL, missed


@pytest.mark.parametrize("path", ["tests/conversation/not_emergency.txt", "tests/conversation/not_emergency_fr.txt"])
def test_false_alarms_on_questions(net, spacy_model, path):
    questions = read_lines(path)
    flagged = [t for t in questions if net.matches(t, spacy_model)]
    rate = len(flagged) / len(questions)
    print(f"\nsafety-net false alarms {rate:.3f} ({len(flagged)}/{len(questions)}): {flagged}")
    assert rate <= MAX_FALSE_ALARMS, flagged


def test_flag_overrides_the_classifier(net, spacy_model):
    message = Message(data={TEXT: "my buddy isnt breathing what do i do",
                            INTENT: {"name": "legal", "confidence": 0.9},
                            INTENT_RANKING_KEY: [{"name": "legal", "confidence": 0.9}]})
    net.process([message], spacy_model)
    assert message.get(INTENT)["name"] == "emergency"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "emergency"
    assert message.get(SAFETY_NET_KEY)["classifier_intent"] == "legal"


def test_no_flag_leaves_the_classifier_alone(net, spacy_model):
    message = Message(data={TEXT: "is naloxone free", INTENT: {"name": "health", "confidence": 0.8}})
    net.process([message], spacy_model)
    assert message.get(INTENT)["name"] == "health"
    assert message.get(SAFETY_NET_KEY) is None


def test_the_net_reads_the_whole_message_when_the_classifier_reads_only_the_question(net, spacy_model):
    from gsdoa_nlu.components import MessageSanitizer

    story = ("ok so long story. " * 12 + "my friend took something and now she is not breathing. "
             "also can i get charged for my weed if i call? sorry.")
    message = Message(data={TEXT: story})
    MessageSanitizer(MessageSanitizer.get_default_config()).process([message])
    assert "not breathing" not in message.get(TEXT)  # classifier sees the question
    net.process([message], spacy_model)
    assert message.get(INTENT)["name"] == "emergency"
