"""The safety nets on their own (spaCy Matcher over the project's pipeline, no trained model): the emergency net,
short alarms, the crisis net, and the annotations the answers depend on (emergency kind, crisis audience, topic).

Two kinds of phrasing lists: tests/conversation/emergency_phrasings*.txt are the patterns' regression set (a new
miss is added there with the pattern that catches it); tests/frozen/ is written blind and never tuned on — its
figures are reported (ops/safety_report.py, `make bench`), and the whole pipeline must reach 100 % recall on it
(tests/nlu/test_heldout.py)."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from gsdoa_nlu.components import SAFETY_NET_KEY, MessageSanitizer, SafetyNets
from tests.support.repo import read_lines

# Patterns alone, on their regression set: every phrasing. (With the classifier and the semantic layer, the
# whole pipeline must catch every held-out and frozen emergency too: tests/nlu/test_heldout.py.)
MIN_NET_RECALL = 1.0
# Questions that mention overdoses but describe no emergency now: a false alarm costs a reply that starts with
# 911 instead of the answer. The regression questions must all pass; measured on the frozen look-alikes in the
# safety report.
MAX_FALSE_ALARMS = 0.0


@pytest.fixture(scope="module")
def net():
    return SafetyNets.from_files()


def parse(spacy_model, text):
    return spacy_model.model(text)


@pytest.mark.parametrize(
    "text",
    [
        "my friend isnt breathing",
        "she wont wake up",
        "he's turning blue",
        "her lips r blue",
        "hes od'ing rn",
        "im overdosing",
        "Help!!! OD",
        "help he's dying",
        "he's unresponsive",
        "guy collapsed in the washroom",
        "making gurgling sounds",
        "shes having a seizure",
        "i took way too many pills",
        "gave him narcan 3 min ago and nothing",
        "il respire pu",
        "a se réveille pas",
        "mon chum fait une surdose",
        "y vire bleu",
        "😱 bro on the floor 🥶 wont move",
        "elle vient d'arrêter de respirer, j'ai une trousse",
    ],
)
def test_clear_emergencies_are_flagged(net, spacy_model, text):
    assert net.emergency_rules(parse(spacy_model, text), spacy_model), text


@pytest.mark.parametrize(
    "text",
    ["overdose", "OD!!", "911", "emergency", "help!!", "HELP", "urgence", "surdose", "overdose now pls", "au secours"],
)
def test_a_message_that_is_only_an_alarm_is_an_emergency(net, spacy_model, text):
    assert "short_alarm" in net.emergency_rules(parse(spacy_model, text), spacy_model), text


@pytest.mark.parametrize("text", ["help", "aide", "overdose signs", "what is an overdose", "911?? can police come"])
def test_a_menu_request_or_a_question_is_not_an_alarm(net, spacy_model, text):
    assert not net.short_alarm(parse(spacy_model, text)), text


@pytest.mark.parametrize(
    "text",
    [
        "what are the signs of an overdose",
        "how long does naloxone last",
        "can police arrest me if i call 911",
        "is naloxone free in ontario",
        "my friend overdosed last year and survived",
        "how many people died in 2024",
        "how much xanax can i take without dying",
        "what should i do if someone has a seizure",
        "how might you know if a friend has had too much to drink",
    ],
)
def test_questions_are_not_flagged(net, spacy_model, text):
    assert not net.emergency_rules(parse(spacy_model, text), spacy_model), text


@pytest.mark.parametrize(
    "path", ["tests/conversation/emergency_phrasings.txt", "tests/conversation/emergency_phrasings_fr.txt"]
)
def test_recall_on_the_regression_phrasings(net, spacy_model, path):
    phrasings = read_lines(path)
    missed = [t for t in phrasings if not net.emergency_rules(parse(spacy_model, t), spacy_model)]
    recall = 1 - len(missed) / len(phrasings)
    print(f"\nsafety-net recall {recall:.3f} ({len(phrasings) - len(missed)}/{len(phrasings)}); missed: {missed}")
    assert recall >= MIN_NET_RECALL, missed


@pytest.mark.parametrize("path", ["tests/conversation/not_emergency.txt", "tests/conversation/not_emergency_fr.txt"])
def test_false_alarms_on_questions(net, spacy_model, path):
    questions = read_lines(path)
    flagged = [t for t in questions if net.emergency_rules(parse(spacy_model, t), spacy_model)]
    rate = len(flagged) / len(questions)
    print(f"\nsafety-net false alarms {rate:.3f} ({len(flagged)}/{len(questions)}): {flagged}")
    assert rate <= MAX_FALSE_ALARMS, flagged


@pytest.mark.parametrize(
    "text, kind",
    [
        ("buddy did coke and now hes having a seizure", "stimulant"),
        ("she's overheating on speed and won't answer", "stimulant"),
        ("he's having a seizure and won't wake up", "seizure"),
        ("elle convulse pis a répond pas", "seizure"),
        ("took xanax and isn't breathing right", "sedative"),
        ("y'a pris de la tranq pis y se réveille pas", "sedative"),
        ("my friend isnt breathing after fent", "general"),
    ],
)
def test_the_emergency_kind_picks_the_extra_steps(net, spacy_model, text, kind):
    assert net.kind(parse(spacy_model, text), spacy_model) == kind


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself",
        "i'm not ok and i need to talk to someone",
        "i can't go on like this",
        "j'ai envie de mourir",
        "je vais pas bien pis j'ai besoin de parler",
        "i keep cutting myself",
    ],
)
def test_the_crisis_net_finds_distress(net, spacy_model, text):
    assert net.crisis_rules(parse(spacy_model, text), spacy_model), text


@pytest.mark.parametrize(
    "text",
    [
        "what is the suicide hotline number",
        "is the good samaritan act ok for me",
        "my friend died by suicide two years ago, how do i support his mom",
    ],
)
def test_the_crisis_net_leaves_questions_to_the_classifier(net, spacy_model, text):
    assert not net.crisis_rules(parse(spacy_model, text), spacy_model), text


@pytest.mark.parametrize(
    "text, audience",
    [
        ("i'm 15 and i want to die", "youth"),
        ("my parents would be better off without me", "youth"),
        ("im first nations and i dont want to be here anymore", "indigenous"),
        ("j'ai 14 ans pis je veux mourir", "youth"),
        ("je suis autochtone pis j'ai envie d'en finir", "indigenous"),
        ("i want to die", "general"),
    ],
)
def test_the_crisis_audience_picks_the_line(net, spacy_model, text, audience):
    assert net.audience(parse(spacy_model, text), spacy_model) == audience


def message(text, intent="legal", spacy_model=None, **extra):
    data = {
        TEXT: text,
        INTENT: {"name": intent, "confidence": 0.9},
        INTENT_RANKING_KEY: [{"name": intent, "confidence": 0.9}],
        **extra,
    }
    if spacy_model is not None:
        data["text_spacy_doc"] = spacy_model.model(text)
    return Message(data=data)


def entity(msg, name):
    return next((e["value"] for e in msg.get(ENTITIES, []) if e["entity"] == name), None)


def test_a_flag_overrides_the_classifier_and_says_which_steps(net, spacy_model):
    msg = message("my buddy isnt breathing, he did coke", spacy_model=spacy_model)
    net.process([msg], spacy_model)
    assert msg.get(INTENT)["name"] == "emergency"
    assert msg.get(INTENT_RANKING_KEY)[0]["name"] == "emergency"
    assert msg.get(SAFETY_NET_KEY)["classifier_intent"] == "legal"
    assert entity(msg, "emergency_kind") == "stimulant"


def test_the_classifiers_emergency_gets_a_kind_too(net, spacy_model):
    msg = message("it's happening, she's gone quiet", intent="emergency", spacy_model=spacy_model)
    net.process([msg], spacy_model)
    assert entity(msg, "emergency_kind") == "general"


def test_a_crisis_becomes_the_crisis_intent_with_its_audience(net, spacy_model):
    msg = message("im 16 and i want to kill myself", intent="health", spacy_model=spacy_model)
    net.process([msg], spacy_model)
    assert msg.get(INTENT)["name"] == "suicidal" and entity(msg, "crisis_audience") == "youth"


def test_no_flag_leaves_the_classifier_alone_and_notes_the_topic(net, spacy_model):
    msg = message(
        "is naloxone free",
        intent="health",
        spacy_model=spacy_model,
        response_selector={"health": {"response": {"intent_response_key": "health/naloxone_get"}}},
    )
    net.process([msg], spacy_model)
    assert msg.get(INTENT)["name"] == "health" and msg.get(SAFETY_NET_KEY) is None
    assert entity(msg, "topic") == "health/naloxone_get" and entity(msg, "topic_family") == "naloxone"


def test_a_follow_up_question_keeps_the_previous_topic(net, spacy_model):
    msg = message(
        "is it free",
        intent="follow_up",
        spacy_model=spacy_model,
        response_selector={"follow_up": {"response": {"intent_response_key": "follow_up/cost"}}},
    )
    net.process([msg], spacy_model)
    assert entity(msg, "topic") is None  # the last_topic slot keeps what it had


def test_the_net_reads_the_whole_message_when_the_classifier_reads_only_the_question(net, spacy_model):
    story = (
        "ok so long story. " * 12
        + "also can i get charged for my weed if i call? sorry. "
        + "anyway my friend took something and now she is not breathing"
    )
    msg = Message(data={TEXT: story})
    MessageSanitizer(MessageSanitizer.get_default_config()).process([msg])
    assert "not breathing" not in msg.get(TEXT)  # the classifier sees the question
    net.process([msg], spacy_model)
    assert msg.get(INTENT)["name"] == "emergency"


def test_a_story_longer_than_the_classifiers_limit_is_read_to_the_end(net, spacy_model):
    story = "we were hanging out at my place and it was a normal night. " * 40 + "now he's not breathing"
    assert len(story) > 2000
    msg = Message(data={TEXT: story})
    MessageSanitizer(MessageSanitizer.get_default_config()).process([msg])
    assert len(msg.get(TEXT)) <= 1000
    net.process([msg], spacy_model)
    assert msg.get(INTENT)["name"] == "emergency"
