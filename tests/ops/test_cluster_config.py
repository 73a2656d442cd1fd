"""The cluster's generated configuration (no processes): endpoints with Redis and expiry, nginx's exposure."""

from pathlib import Path

import yaml

from ops.cluster import render_endpoints, render_nginx


def test_endpoints_use_redis_for_conversations_and_locks_with_expiry():
    config = yaml.safe_load(render_endpoints("http://127.0.0.1:5055/webhook", 6390, 14400))
    assert config["tracker_store"] == {
        "type": "redis",
        "url": "127.0.0.1",
        "port": 6390,
        "db": 0,
        "password": "${REDIS_PASSWORD}",  # Rasa fills it from its environment
        "key_prefix": "gsdoa",
        "record_exp": 14400,
    }
    assert config["lock_store"]["type"] == "redis" and config["lock_store"]["port"] == 6390
    assert config["lock_store"]["password"] == "${REDIS_PASSWORD}"
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"


def test_production_endpoints_take_their_values_from_the_environment():
    text = (Path(__file__).resolve().parents[2] / "deploy" / "endpoints.production.yml").read_text()
    for variable in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "TRACKER_EXPIRY_SECONDS", "ACTION_SERVER_URL"):
        assert "${" + variable + "}" in text


def test_nginx_exposes_only_the_webhooks_widget_and_health(tmp_path):
    conf = render_nginx(8090, [5005, 5006], tmp_path, tmp_path / "error.log")
    locations = [
        line.split("location", 1)[1].strip(" {") for line in conf.splitlines() if line.strip().startswith("location")
    ]
    assert locations == [
        "= /health",
        "= /webhooks/rest/webhook",
        "= /webhooks/rest/forget",
        "= /webhooks/rest/",
        "= /telegram/webhook",
        "/widget/",
        "= /widget/widget.js",
        "= /widget/frame.html",
        "= /widget/config.json",
        "/",
        "@too_large",
        "@too_many",
        "@unavailable",
        # the Telegram bridge's private loopback server: the two REST paths only
        "= /webhooks/rest/webhook",
        "= /webhooks/rest/forget",
        "/",
    ]
    assert "server 127.0.0.1:5005" in conf and "server 127.0.0.1:5006" in conf
    assert "client_max_body_size 16k" in conf and "access_log off" in conf and "limit_req zone" in conf
    assert "listen 127.0.0.1:8090" in conf
