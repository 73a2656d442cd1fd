"""What the bridge turns Rasa replies into, before anything is sent."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.render import (
    CHUNK_CHARS,
    MAX_CALLBACK_BYTES,
    CallbackCodec,
    button_rows,
    plan_replies,
    requested_cards,
    split_text,
    to_html,
)

TELEGRAM_MESSAGE_LIMIT = 4096  # Telegram's limit for one text message


def test_html_is_escaped_and_links_are_clickable():
    html = to_html('Use <b>this</b> & "that": https://www.canada.ca/en/health-canada.html. Call 911')
    assert "&lt;b&gt;this&lt;/b&gt; &amp;" in html
    assert (
        '<a href="https://www.canada.ca/en/health-canada.html">https://www.canada.ca/en/health-canada.html</a>.' in html
    )
    assert "<b>" not in html


def test_only_http_links_become_links():
    html = to_html("javascript:alert(1) tel:911 ftp://x.org")
    assert "<a" not in html


def test_a_url_with_html_characters_cannot_break_out_of_the_attribute():
    html = to_html('https://x.org/a"onmouseover="alert(1)')
    assert html.startswith('<a href="https://x.org/a">https://x.org/a</a>')
    assert "onmouseover" not in html.split("</a>")[0]


@given(st.text(min_size=1, max_size=9000))
def test_split_keeps_every_piece_under_the_limit_and_loses_no_words(text):
    pieces = split_text(text)
    assert all(len(p) <= CHUNK_CHARS for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


def test_split_prefers_line_breaks():
    text = ("a" * 3000 + "\n") * 2
    pieces = split_text(text)
    assert pieces == ["a" * 3000, "a" * 3000]


def test_consecutive_texts_merge_and_buttons_stay_with_their_text():
    planned = plan_replies(
        [{"text": "one"}, {"text": "two", "buttons": [{"title": "Yes", "payload": "/affirm"}]}, {"text": "three"}]
    )
    assert [(p.text, [b["title"] for b in p.buttons]) for p in planned] == [("one\n\ntwo", ["Yes"]), ("three", [])]


def test_custom_messages_are_instructions_never_text():
    """Rasa's REST channel sends a response's `custom` as a message of its own, after the text (recorded from
    Rasa 3.6: [{text}, {custom}]): the card marker is read, and nothing of it is sent as text."""
    recorded = [
        {"recipient_id": "tg-1", "text": "🚨 Call 911 now.\nIn Nunavut (no 911): …"},
        {"recipient_id": "tg-1", "custom": {"card": "overdose_response"}},
    ]
    planned = plan_replies(recorded)
    assert [p.text for p in planned] == ["🚨 Call 911 now.\nIn Nunavut (no 911): …"]
    assert "overdose_response" not in "".join(p.text for p in planned)
    assert requested_cards(recorded) == ["overdose_response"]


@pytest.mark.parametrize(
    "messages, cards",
    [
        ([{"text": "🚨 Call 911 now."}], []),  # the words alone decide nothing
        ([{"custom": {"card": "overdose_response"}}] * 2, ["overdose_response"]),  # once per reply
        ([{"custom": {"card": 3}}, {"custom": "overdose_response"}, {"custom": None}], []),  # malformed: ignored
    ],
)
def test_only_a_well_formed_card_marker_requests_a_card(messages, cards):
    assert requested_cards(messages) == cards


def test_images_become_photos_in_order_and_non_web_images_are_dropped():
    planned = plan_replies(
        [
            {"text": "before"},
            {"image": "https://example.org/card.png"},
            {"image": "file:///etc/passwd"},
            {"text": "after"},
        ]
    )
    assert [(p.text, p.photo) for p in planned] == [
        ("before", None),
        ("", "https://example.org/card.png"),
        ("after", None),
    ]


def test_a_5000_character_reply_is_split_under_telegrams_limit_with_buttons_on_the_last_piece():
    planned = plan_replies([{"text": "word " * 1000, "buttons": [{"title": "More", "payload": "/help"}]}])
    assert len(planned) == 2
    assert all(len(to_html(p.text)) <= TELEGRAM_MESSAGE_LIMIT for p in planned)
    assert not planned[0].buttons and planned[1].buttons


def test_buttons_without_text_still_get_a_message():
    planned = plan_replies([{"buttons": [{"title": "Yes", "payload": "/affirm"}]}])
    assert planned[0].text and planned[0].buttons


CHAT_A, CHAT_B = "tg-" + "a" * 32, "tg-" + "b" * 32


def test_callback_data_fits_64_bytes_and_round_trips():
    codec = CallbackCodec()
    short, long = "/check_protection", "what is the difference between decriminalization and the good samaritan act"
    encoded_short, encoded_long = codec.encode(short, CHAT_A), codec.encode(long, CHAT_A)
    assert encoded_short.endswith(short) and encoded_short != short  # signed, payload readable
    assert all(len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES for data in (encoded_short, encoded_long))
    assert codec.decode(encoded_long, CHAT_A) == long and codec.decode(encoded_short, CHAT_A) == short


def test_multibyte_payloads_are_measured_in_bytes():
    codec = CallbackCodec()
    payload = "é" * 40  # 80 bytes
    encoded = codec.encode(payload, CHAT_A)
    assert len(encoded.encode("utf-8")) <= MAX_CALLBACK_BYTES and codec.decode(encoded, CHAT_A) == payload


def test_unknown_or_evicted_keys_decode_to_none():
    codec = CallbackCodec(capacity=2)
    first = codec.encode("x" * 100, CHAT_A)
    codec.encode("y" * 100, CHAT_A)
    codec.encode("z" * 100, CHAT_A)
    assert codec.decode(first, CHAT_A) is None and codec.decode("#nope", CHAT_A) is None
    assert codec.decode(None, CHAT_A) is None and codec.decode("", CHAT_A) is None


def test_forged_modified_and_other_chats_callback_data_is_refused():
    codec = CallbackCodec()
    signed = codec.encode("/affirm", CHAT_A)
    tag = signed[: CallbackCodec.TAG_CHARS]
    forged = [
        "/affirm",
        '/set_slot{"city":"x"}',
        "/check_protection",
        tag + "/deny",  # unsigned or payload swapped
        tag + '/affirm{"gs_involved": true}',
        signed[:-1],
        signed + "x",
        ("A" if tag[0] != "A" else "B") + signed[1:],  # one character of the tag changed
        "#" + tag,
        "#" + "0" * CallbackCodec.KEY_CHARS,
    ]
    for data in forged:
        assert codec.decode(data, CHAT_A) is None, data
    assert codec.decode(signed, CHAT_B) is None  # replayed in another chat
    long = codec.encode("p" * 100, CHAT_A)
    assert codec.decode(long, CHAT_A) == "p" * 100 and codec.decode(long, CHAT_B) is None
    assert CallbackCodec().decode(signed, CHAT_A) is None  # another key (e.g. other bot)
    assert CallbackCodec(key=codec.key).decode(signed, CHAT_A) == "/affirm"  # same key: survives a restart


def test_button_rows_shorten_long_titles():
    codec = CallbackCodec()
    rows = button_rows([{"title": "t" * 100, "payload": "/help"}], codec, CHAT_A)
    assert len(rows[0][0]["text"]) <= 60 and codec.decode(rows[0][0]["callback_data"], CHAT_A) == "/help"
