from gsdoa_nlu.text import (
    clean_user_text,
    focus_on_question,
    has_words,
    mask_personal_details,
    normalize_for_matching,
    strip_markup,
)


def test_markup_is_removed_but_words_stay():
    cleaned, truncated = clean_user_text("<img src=x onerror=alert(1)> how do i get a free narcan kit", 1000)
    assert cleaned == "how do i get a free narcan kit"
    assert not truncated


def test_script_blocks_and_entities_are_removed():
    assert "alert" not in strip_markup("<script>alert('x')</script>hello")
    assert "<" not in strip_markup("&lt;img src=x onerror=alert(1)&gt; naloxone")


def test_personal_details_are_masked():
    text = (
        "hi my name is Kelsey Brightwater, born 1994-03-14, cell 604-555-0187, at 1180 Maple Cres, "
        "email kb@example.org, health card 9876 543 210, DOB 07/22/1988, postal V5K 0A1"
    )
    masked = mask_personal_details(text)
    for secret in [
        "Kelsey",
        "Brightwater",
        "1994-03-14",
        "604-555-0187",
        "1180 Maple",
        "kb@example.org",
        "9876 543 210",
        "07/22/1988",
        "V5K 0A1",
    ]:
        assert secret not in masked, secret
    assert "my name is" not in masked


def test_service_numbers_and_amounts_are_kept():
    text = "call 911 or 811 or 988, i had 2.5 g and 20 points, NORS is 1-888-688-6677"
    masked = mask_personal_details(text)
    for kept in ["911", "811", "988", "2.5 g", "20 points"]:
        assert kept in masked


def test_long_messages_are_capped():
    cleaned, truncated = clean_user_text("a" * 5000, 1000)
    assert truncated and len(cleaned) == 1000


def test_non_strings_and_control_characters_are_handled():
    assert clean_user_text(None, 10) == ("", False)
    assert clean_user_text(12345, 10)[0] == "12345"
    assert clean_user_text("he\x00llo\u200b wor\x1bld", 100)[0] == "he llo wor ld"


def test_normalization_for_matching():
    assert normalize_for_matching("Il RESPIRE pu, l’ambulance arrive") == "il respire pu, le ambulance arrive"
    assert normalize_for_matching("qu'il a fait une crise d'épilepsie") == "que il a fait une crise de epilepsie"
    assert normalize_for_matching("he's dad's don't") == "he's dad's don't"
    assert normalize_for_matching("Réveillé") == "reveille"
    assert normalize_for_matching("helppppp") == "helpp"


def test_has_words():
    assert has_words("ok")
    assert not has_words("😱😱 🙏 !!! ...")
    assert not has_words("   ")


def test_long_stories_are_narrowed_to_the_question():
    story = (
        "so last week we were at a party. " * 6 + "someone passed out and i called 911. the cops came. "
        "can they charge me for what was in my bag? thanks for reading."
    )
    assert focus_on_question(story, 40) == "can they charge me for what was in my bag?"
    no_question = "we were at a party. " * 10 + "i called 911. they came. i want to know about charges"
    assert focus_on_question(no_question, 40) == "they came. i want to know about charges"
    assert focus_on_question("short one. really. is it?", 40) == "short one. really. is it?"
