"""SafeRestInput's checks, without a server (the conversation tests exercise it over HTTP)."""

import pytest

from gsdoa_nlu.channels import HARD_CAP_CHARS, BadRequest, SafeRestInput
from tests.support.channel import FakeRequest


@pytest.fixture
def channel(root):
    return SafeRestInput(max_chars=1000, texts=str(root / "data" / "texts.yml"))


def test_valid_request(channel):
    fields = channel.parse(
        FakeRequest({"sender": " u1 ", "message": "hi", "metadata": {"language": "fr-CA"}, "input_channel": "telegram"})
    )
    assert fields == {"sender": "u1", "message": "hi", "input_channel": "telegram", "metadata": {"language": "fr-CA"}}


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        3,
        {"message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": 5, "message": "hi"},
        {"sender": "x" * 129, "message": "hi"},
        {"sender": "u", "message": None},
        {"sender": "u", "message": ["hi"]},
        {"sender": "u", "message": {"text": "hi"}},
        {"sender": "u"},
    ],
)
def test_malformed_requests_are_rejected_with_a_reason(channel, body):
    with pytest.raises(BadRequest) as error:
        channel.parse(FakeRequest(body))
    assert str(error.value)


def test_invalid_json(channel):
    with pytest.raises(BadRequest, match="JSON"):
        channel.parse(FakeRequest(invalid=True))


def test_odd_optional_fields_are_dropped(channel):
    fields = channel.parse(
        FakeRequest({"sender": "u", "message": "hi", "metadata": "x" * 10, "input_channel": "../../etc"})
    )
    assert fields["metadata"] is None and fields["input_channel"] == "rest"
    big = {"k": "v" * 5000}
    assert channel.parse(FakeRequest({"sender": "u", "message": "hi", "metadata": big}))["metadata"] is None


def test_the_bots_own_button_payloads_pass_unchanged(channel):
    payload = '/affirm{"gs_conditions": "possession"}'
    assert channel.prepare_text(payload) == (payload, False)


def test_text_is_cleaned_masked_and_kept_whole_for_the_safety_nets(channel):
    """The whole message goes on (the nets must see an emergency at the end of a long story); the flag says the
    classifier will answer from its first 1,000 characters. Only a message past the hard cap is cut."""
    text, long_story = channel.prepare_text("<b>call me</b> at 604-555-0187 " + "x " * 1000 + "not breathing")
    assert "<b>" not in text and "604-555-0187" not in text
    assert long_story and text.endswith("not breathing")
    huge, _ = channel.prepare_text("y" * 50_000)
    assert len(huge) <= HARD_CAP_CHARS
    assert channel.prepare_text("short question")[1] is False


def test_channel_texts_come_from_data_with_a_safe_last_resort(channel, tmp_path):
    assert "911" in channel.reply_text("no_text")
    assert "1,000" in channel.reply_text("long_message") and "911" in channel.reply_text("long_message")
    missing = SafeRestInput(texts=str(tmp_path / "none.yml"))
    assert "911" in missing.reply_text("service_degraded")


async def _stored_conversation(store, sender):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(sender, [UserUttered("my name is Sam")])
    await store.save(tracker)
    return store


async def test_erase_deletes_the_conversation_from_rasas_in_memory_store():
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    from gsdoa_nlu.channels import erase_conversation

    inner = InMemoryTrackerStore(Domain.empty())
    wrapped = AwaitableTrackerStore(FailSafeTrackerStore(inner))  # what Rasa's agent holds
    await _stored_conversation(wrapped, "tg-abc")
    await _stored_conversation(wrapped, "tg-other")
    assert await inner.retrieve("tg-abc") is not None

    assert erase_conversation(wrapped, "tg-abc") is True
    assert await inner.retrieve("tg-abc") is None
    assert await inner.retrieve("tg-other") is not None  # only that conversation
    assert erase_conversation(wrapped, "never-seen") is True


def test_erase_deletes_the_redis_key():
    from gsdoa_nlu.channels import erase_conversation

    class FakeRedis:
        def __init__(self):
            self.deleted = []

        def delete(self, key):
            self.deleted.append(key)

    class RedisLikeStore:  # RedisTrackerStore's attributes without a Redis server (the Redis issue tests it live)
        key_prefix = "tracker:"
        red = FakeRedis()

    store = RedisLikeStore()
    assert erase_conversation(store, "tg-abc") is True
    assert store.red.deleted == ["tracker:tg-abc"]


def test_erase_reports_stores_it_cannot_delete_from():
    from gsdoa_nlu.channels import erase_conversation

    assert erase_conversation(object(), "tg-abc") is False


# ---- language (issue 6) ----------------------------------------------------------------------------------
def test_channel_texts_in_the_users_language_or_both_when_unknown(channel):
    assert channel.reply_text("no_text", "fr").startswith("Je n'ai pas vu de mots")
    both = channel.reply_text("service_degraded", None)
    assert "try again" in both and "réessayez" in both
    assert channel.reply_language({"language": "fr-CA"}) == "fr"
    assert channel.reply_language(None) is None  # unknown: the channel's own reply comes in both languages


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"language": "fr-CA"}, "fr"),
        ({"language": "FR"}, "fr"),
        ({"language": "en-US"}, "en"),
        ({"language": "de"}, None),
        ({"language": 3}, None),
        ({}, None),
        (None, None),
    ],
)
def test_channel_language_reads_the_clients_language_code(metadata, expected):
    from gsdoa_nlu.channels import channel_language

    assert channel_language(metadata) == expected


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("/greet", "fr", '/greet{"language": "fr"}'),
        ('/inform_place{"province": "QC"}', "fr", '/inform_place{"province": "QC", "language": "fr"}'),
        ('/set_language{"language": "en"}', "fr", '/set_language{"language": "en"}'),  # an explicit choice wins
        ("/greet", None, "/greet"),
        ("bonjour", "fr", "bonjour"),  # text goes through the NLU (LanguageDecider reads the metadata)
        ("/greet{not json", "fr", "/greet{not json"),
    ],
)
def test_button_payloads_carry_the_first_guess_language(text, language, expected):
    from gsdoa_nlu.channels import payload_with_language

    assert payload_with_language(text, language) == expected


CARD = {"recipient_id": "s", "custom": {"card": "overdose_response"}}
EMERGENCY = {"recipient_id": "s", "text": "🚨 Call 911 now."}


def test_the_card_marker_goes_only_to_clients_that_draw_cards():
    """The web chat, the terminal and REST integrations get the overdose answer without the card marker; the
    Telegram bridge (input_channel "telegram") gets it and sends the card."""
    from gsdoa_nlu.channels import without_card_markers

    assert without_card_markers([EMERGENCY, CARD], "rest") == [EMERGENCY]
    assert without_card_markers([EMERGENCY, CARD], "telegram") == [EMERGENCY, CARD]
    other_custom = {"recipient_id": "s", "custom": {"card": "x", "extra": 1}}
    assert without_card_markers([EMERGENCY, other_custom], "rest") == [EMERGENCY, other_custom]
