"""Follow-ups answered about the last topic, and a language switch that repeats the last answer (issue 13, §5)."""
import pytest

from tests.conversation.conftest import Chat

pytestmark = pytest.mark.servers


def test_is_it_free_after_naloxone(chat):
    chat.say("where can i get naloxone in manitoba")
    assert "free" in chat.say("is it free?").lower()


def test_whats_the_number_again_after_the_overdose_line(chat):
    chat.say("is there someone who can stay on the phone while i use")
    assert "1-888-688-6677" in chat.say("what's the number again?")


def test_when_did_it_start_after_the_act(chat):
    chat.say("what is the good samaritan drug overdose act")
    assert "May 4, 2017" in chat.say("when did it start?")


def test_when_did_it_start_after_988(chat):
    chat.say("what is the suicide crisis line")
    assert "2023" in chat.say("since when?")


def test_what_about_my_friend_after_a_legal_answer(chat):
    chat.say("can police arrest me if i call 911 for an overdose")
    assert "everyone at the scene" in chat.say("what about my friend?")


def test_what_about_parole_is_its_own_question(chat):
    chat.say("what does the good samaritan act cover")
    assert "parole" in chat.say("what about parole?")


def test_more_gives_the_detail_of_the_last_answer(chat):
    first = chat.send("can police arrest me for possession if i call 911")
    assert any(b["title"].startswith("More") for m in first for b in m.get("buttons") or [])
    assert "Vanscoy" in chat.say("tell me more")


def test_and_in_french_switches_and_repeats_the_last_answer(chat):
    chat.say("can police arrest me for possession if i call 911")
    reply = chat.say("and in French?")
    assert "français" in reply and "La police ne peut pas vous arrêter" in reply


def test_en_anglais_switches_back(chat):
    chat.say("la police peut-tu m'arrêter si j'appelle le 911")
    reply = chat.say("en anglais svp")
    assert "English" in reply and "Police can't arrest you" in reply


def test_follow_ups_in_french(chat):
    chat.say("où trouver de la naloxone")
    assert "gratuite" in chat.say("c'est gratuit?")
