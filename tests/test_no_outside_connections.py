"""Conversations go nowhere but the conversation store: no event broker, no model server, no telemetry.

Why: PRIVACY.md promises that nothing is sent to third parties and that the bot is connected to no police or
government system. Rasa can forward every event to a broker, pull models from a URL and send telemetry; each of
those would carry conversations out. This checks every configuration the project ships (local and production).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS = [ROOT / "endpoints.yml", ROOT / "deploy" / "endpoints.production.yml"]
# The only endpoints a configuration may have: actions, the conversation store, locks, our response generator.
ALLOWED_ENDPOINTS = {"action_endpoint", "tracker_store", "lock_store", "nlg"}


def _yaml(path: Path) -> dict:
    # ${VAR} placeholders are fine for YAML; values aren't needed, only the keys.
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@pytest.mark.parametrize("path", ENDPOINTS, ids=lambda p: p.name)
def test_no_endpoint_sends_conversations_out(path):
    endpoints = _yaml(path)
    assert set(endpoints) <= ALLOWED_ENDPOINTS, f"{path.name}: unexpected {set(endpoints) - ALLOWED_ENDPOINTS}"
    assert "event_broker" not in endpoints and "models" not in endpoints
    nlg = endpoints.get("nlg") or {}
    assert "url" not in nlg, "responses are generated in process, never by a remote NLG server"


def test_local_endpoints_point_only_at_this_machine():
    endpoints = _yaml(ROOT / "endpoints.yml")
    assert re.match(r"^http://127\.0\.0\.1:\d+/webhook$", endpoints["action_endpoint"]["url"])


def test_the_only_channel_is_our_rest_channel():
    credentials = _yaml(ROOT / "credentials.yml")
    assert list(credentials) == ["gsdoa_nlu.channels.SafeRestInput"]


def test_telemetry_is_off_everywhere_rasa_runs():
    places = {
        "Makefile": r"export RASA_TELEMETRY_ENABLED := false",
        "ops/supervisor.py": r'"RASA_TELEMETRY_ENABLED": "false"',
        "deploy/Dockerfile.rasa": r"RASA_TELEMETRY_ENABLED=false",
        "deploy/k8s/rasa.yaml": r'name: RASA_TELEMETRY_ENABLED, value: "false"',
    }
    missing = [
        name
        for name, pattern in places.items()
        if not re.search(re.escape(pattern), (ROOT / name).read_text(encoding="utf-8"))
    ]
    assert not missing, f"telemetry not switched off in {missing}"
