"""What nginx exposes, its limits, CORS, logs and deleting a conversation from Redis (issue 7)."""

import urllib.error
import urllib.request

import pytest

from tests.support.cluster import ALLOWED_ORIGIN, Conversation, post

pytestmark = pytest.mark.cluster


def get(url, headers=None, method="GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/version",
        "/status",
        "/model",
        "/model/parse",
        "/conversations/x/tracker",
        "/conversations/x/tracker/events",
        "/domain",
        "/webhooks/rest/webhook/../../status",
        "/webhooks/telegram/webhook",
        "/socket.io/",
    ],
)
def test_rasas_http_api_is_not_reachable_through_nginx(cluster, path):
    status, _, body = get(cluster.url + path)
    assert status == 404, (path, status, body[:200])
    status, _, _ = get(cluster.url + path, method="POST")
    assert status in (404, 405), path


def test_only_the_webhook_the_widget_and_health_are_served(cluster):
    assert get(cluster.url + "/health")[0] == 200
    assert get(cluster.url + "/webhooks/rest/")[0] == 200
    status, headers, body = get(cluster.url + "/widget/widget.js")
    assert status == 200 and b"GSDOA" in body and "javascript" in headers.get("Content-Type", "")
    assert "Server" not in headers or "nginx/" not in headers["Server"]  # no version disclosed


def test_rasa_itself_has_no_http_api_enabled(cluster):
    status, _, _ = get(f"http://127.0.0.1:{cluster.rasa_ports[0]}/conversations/x/tracker")
    assert status in (403, 404, 405)


def test_a_body_over_16_kb_is_refused_by_nginx_with_a_clear_message(cluster):
    status, body = post(cluster.rest_url, {"sender": "big", "message": "a" * 20_000})
    assert status == 413 and "911" in body["error"]


def test_the_channel_caps_long_messages_below_the_nginx_limit(cluster):
    status, body = post(cluster.rest_url, {"sender": "long", "message": "can police arrest me " * 600})
    assert status == 200 and "1,000" in body[-1]["text"]


def test_per_client_rate_limit_answers_429_with_a_friendly_message(cluster):
    limited = cluster.start_extra_nginx(rate=1, burst=2)
    statuses, bodies = [], []
    for _ in range(8):
        status, body = post(f"{limited}/webhooks/rest/webhook", {"sender": "rl", "message": "hi"})
        statuses.append(status)
        bodies.append(body)
    assert 200 in statuses and 429 in statuses, statuses
    friendly = bodies[statuses.index(429)]
    assert "try again" in friendly["error"] and "911" in friendly["error"]


def test_cors_allows_only_configured_origins(cluster):
    headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    _, allowed, _ = get(cluster.rest_url, {**headers, "Origin": ALLOWED_ORIGIN}, method="OPTIONS")
    _, other, _ = get(cluster.rest_url, {**headers, "Origin": "https://evil.example"}, method="OPTIONS")
    assert allowed.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert "Access-Control-Allow-Origin" not in other


def test_forget_deletes_the_conversation_from_redis(cluster):
    chat = Conversation(cluster)
    chat.say("can police arrest me if i call 911")
    key = f"gsdoa:tracker:{chat.sender}"
    assert cluster.redis_command("EXISTS", key) == "1"
    assert 0 < int(cluster.redis_command("TTL", key)) <= cluster.expiry_seconds  # records expire
    status, body = post(f"{cluster.url}/webhooks/rest/forget", {"sender": chat.sender})
    assert status == 200 and body == {"erased": True}
    assert cluster.redis_command("EXISTS", key) == "0"
    assert "1/4" in chat.say("can you check if i'm protected")  # a fresh conversation


# The log check (no user text, no sender ids, also during outages and kills) is tests/cluster/test_logs.py.
