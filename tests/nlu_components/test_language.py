"""English/French guess (gsdoa_nlu/language.py): word lists + lingua, guarded for short and mixed messages."""

import pytest

from gsdoa_nlu.language import LanguageGuess, lingua_detector
from tests.support.repo import load_yaml


@pytest.fixture(scope="module")
def guess():
    return LanguageGuess(load_yaml("data/patterns/language.yml"), lingua_detector()).guess


@pytest.mark.parametrize(
    "text",
    [
        "chu en probation pis j'ai peur d'appeler le 911",
        "la naloxone ça marche-tu sur une surdose de coke?",  # lingua alone says English here; the word lists win
        "est-ce que la loi s'applique au Nouveau-Brunswick",
        "ou est ce que je peux trouver une trousse gratuite",  # no accents
        "trousse naloxone gratuite pharmacie Montréal",  # no listed function word: lingua decides
        "Je sons inquiets pour notre garçon, il consomme asteure",
    ],
)
def test_french(guess, text):
    assert guess(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "can the cops arrest me if i call 911",
        "where do i get a naloxone kit in Montréal",
        "my buddy is on probation for theft, is he covered",
        "naloxone kits free pharmacy downtown Halifax",
    ],
)
def test_english(guess, text):
    assert guess(text) == "en"


@pytest.mark.parametrize("text", ["ok", "911", "Québec", "narcan?", "lol", "👍", "", "ok thx merci"])
def test_short_or_ambiguous_messages_keep_the_conversation_language(guess, text):
    assert guess(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [("bonjour", "fr"), ("merci", "fr"), ("hello", "en"), ("thank you", "en"), ("allo", "fr"), ("merci ok", "fr")],
)
def test_short_greetings_and_thanks_decide(guess, text, expected):
    assert guess(text) == expected


def test_a_mixed_message_with_strong_evidence_both_ways_decides_nothing(guess):
    assert guess("what is the law la loi c'est quoi") is None


def test_the_word_lists_work_without_the_detector():
    plain = LanguageGuess(load_yaml("data/patterns/language.yml"))
    assert plain.guess("mon chum respire pu pis y est bleu") == "fr"
    assert plain.guess("trousse naloxone gratuite pharmacie") is None  # only lingua could tell
