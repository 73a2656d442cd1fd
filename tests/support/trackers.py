"""Trackers for action tests (plain rasa_sdk objects, as in RasaHQ/rasa-demo)."""

from typing import Any

from rasa_sdk import Tracker


def user_event(
    intent: str,
    text: str = "…",
    entities: list[dict[str, Any]] | None = None,
    response_key: str | None = None,
    ranking: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    parse_data: dict[str, Any] = {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "text": text,
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }
    if response_key:
        group = response_key.split("/")[0]
        parse_data["response_selector"] = {
            group: {"response": {"intent_response_key": response_key, "confidence": 0.8}, "ranking": []}
        }
    return {"event": "user", "text": text, "parse_data": parse_data}


def make_tracker(events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker("test-sender", slots or {"language": "en"}, latest, events, False, None, {}, "action_listen")
