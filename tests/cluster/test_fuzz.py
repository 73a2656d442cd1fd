"""Bad input, generated (hypothesis): over 1,000 requests to the REST channel (through nginx) and to the action
server — arbitrary Unicode, control characters, wrong JSON types, missing fields, nested objects — and
generated 100 KB messages. nginx refuses bodies over 16 KB (413), so the 100 KB messages are also sent straight
to a Rasa server's channel, past nginx. Always a 200 or a clear 4xx, never a 5xx or a dead process; a normal
message right after still gets a normal answer."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cluster import Conversation, post

pytestmark = pytest.mark.cluster
FUZZ = settings(
    max_examples=350,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=5),
    max_leaves=20,
)
messages = st.one_of(
    st.text(max_size=300),  # any Unicode
    st.text(st.characters(min_codepoint=0, max_codepoint=31), max_size=50),  # control characters
    st.sampled_from(
        [
            "",
            " ",
            "\u200b",
            "😶" * 50,
            "<script>alert(1)</script>",
            "/",
            "/greet{",
            "/x" * 500,
            "%s%n",
            "\ud7ff",
            "a" * 100_000,
        ]
    ),
    json_values,
)
bodies = st.one_of(
    st.fixed_dictionaries({"sender": st.text(min_size=1, max_size=40), "message": messages}),
    st.fixed_dictionaries({"sender": json_values, "message": json_values}),
    st.dictionaries(st.sampled_from(["sender", "message", "metadata", "input_channel"]), json_values),
    json_values,
)


def assert_answered(status, body):
    assert status < 500, (status, body)
    assert status == 200 or 400 <= status < 500


@FUZZ
@given(body=bodies)
def test_rest_channel_never_fails_on_generated_json(cluster, body):
    status, reply = post(cluster.rest_url, body, timeout=60)
    assert_answered(status, reply)
    if status == 200:
        assert isinstance(reply, list) and reply, reply  # never silence


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_rest_channel_never_fails_on_generated_bytes(cluster, raw):
    status, reply = post(cluster.rest_url, raw, timeout=60)
    assert_answered(status, reply)


# ~100 KB messages of generated text: repeated generated chunks (any Unicode, control characters, markup,
# payload-shaped and personal-detail-shaped pieces), so each example really is about 100,000 characters.
chunks = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(
        [
            "/greet{",
            '/inform{"city": "',
            "<script>",
            "\u0000",
            "😶",
            "604-555-0199 ",
            "my name is kelsey ",
            "\ud7ff",
            "%s%n",
            " ",
            "\n",
        ]
    ),
)
big_messages = st.builds(
    lambda parts, size: ("".join(parts) * (size // max(1, len("".join(parts))) + 1))[:size],
    st.lists(chunks, min_size=1, max_size=8),
    st.integers(95_000, 105_000),
)
BIG = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@BIG
@given(message=big_messages)
def test_100_kb_messages_are_refused_by_nginx_and_answered_calmly_by_the_channel_itself(cluster, message):
    assert 95_000 <= len(message) <= 105_000
    body = {"sender": "fuzz-big", "message": message}
    status, reply = post(cluster.rest_url, body, timeout=60)
    assert status == 413, (status, str(reply)[:200])  # nginx: over 16 KB
    status, reply = post(cluster.rasa_rest_url(0), body, timeout=120)  # past nginx, straight to the channel
    assert status in (200, 400), (status, str(reply)[:300])
    if status == 200:
        assert isinstance(reply, list) and reply and all(isinstance(m, dict) for m in reply), reply
        probe = message[:200]
        if len(set(probe.strip())) > 3:  # a distinctive piece of the message is never echoed back
            assert probe not in json.dumps(reply, ensure_ascii=False)


action_calls = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "next_action": st.sampled_from(
                [
                    "action_local_resources",
                    "action_place_answer",
                    "action_did_you_mean",
                    "action_protection_verdict",
                    "nope",
                ]
            )
            | json_values,
            "tracker": st.fixed_dictionaries(
                {"sender_id": json_values, "slots": json_values, "latest_message": json_values, "events": json_values}
            )
            | json_values,
            "domain": json_values,
        }
    ),
    st.fixed_dictionaries(
        {
            "next_action": st.sampled_from(
                ["action_local_resources", "action_place_answer", "action_did_you_mean", "action_protection_verdict"]
            ),
            "tracker": st.fixed_dictionaries(
                {
                    "sender_id": st.text(max_size=20),
                    "slots": st.dictionaries(
                        st.sampled_from(["language", "province", "city", "gs_involved", "gs_conditions"]), json_values
                    ),
                    "latest_message": st.dictionaries(st.sampled_from(["intent", "entities", "text"]), json_values),
                    "events": st.lists(
                        st.dictionaries(st.sampled_from(["event", "name", "text"]), json_values), max_size=4
                    ),
                }
            ),
            "domain": st.just({}),
        }
    ),
)


@FUZZ
@given(body=action_calls)
def test_action_server_never_fails_on_generated_calls(cluster, body):
    status, reply = post(f"http://127.0.0.1:{cluster.action_port}/webhook", body, timeout=30)
    assert_answered(status, reply)
    assert "request_body" not in json.dumps(reply)  # rasa_sdk's default error reply echoes the conversation


def test_normal_messages_still_work_after_the_fuzzing(cluster):
    for name, process in cluster.processes.items():
        assert process.poll() is None, f"{name} died"
    assert "911" in Conversation(cluster).say("my friend won't wake up and his lips are blue").splitlines()[0]
    assert "Wilson" in Conversation(cluster).say("can the police arrest me if i call 911")
