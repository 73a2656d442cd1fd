"""Answers when the user says where they are ("we're in Dartmouth, Nova Scotia").

The place itself is understood by the NLU (EntityRuler gazetteer -> `province` slot). This action answers the
question that was pending — naloxone or the health line — for that province, or notes the place for later."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content import province_resources, source_line, text
from actions.fallback import full_intent

PLACE_INTENT = "inform_place"
LOOKBACK_USER_MESSAGES = 3
TOPIC_FIELDS = {"health/naloxone_get": "naloxone", "services/health_line": "health_line"}


def pending_topic(events: List[Dict[str, Any]]) -> Optional[str]:
    """The resource the user asked about just before naming a place ('naloxone', 'health_line' or None)."""
    seen = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        seen += 1
        if seen == 1:
            continue  # the place message itself
        parse_data = event.get("parse_data") or {}
        name = (parse_data.get("intent") or {}).get("name")
        if name and name != PLACE_INTENT:
            return TOPIC_FIELDS.get(full_intent(name, parse_data) or "")
        if seen > LOOKBACK_USER_MESSAGES:
            break
    return None


def place_reply(province: str, topic: Optional[str], language: Optional[str] = "en") -> str:
    """The pending topic's entry for the province (or naloxone + health line when nothing was pending),
    ending with the source of the first entry."""
    entry = province_resources()[province]
    fields = [topic] if topic else ["naloxone", "health_line"]
    lines = [f"{text(f'place_{field}_label', language, place=entry['name'])}: {entry[field]}" for field in fields]
    lines.append(source_line(entry[f"{fields[0]}_sources"]))
    return "\n".join(lines)


class ActionPlaceAnswer(Action):
    """Uses the province the user just gave (slot `province`) to answer the pending resource question."""

    def name(self) -> Text:
        return "action_place_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        language = tracker.get_slot("language")
        province = tracker.get_slot("province")
        entities = [e for e in (tracker.latest_message or {}).get("entities", []) if e.get("entity") == "province"]
        if not entities or province not in province_resources():
            dispatcher.utter_message(text=text("place_unknown", language))
            return []
        topic = pending_topic(tracker.events)
        reply = place_reply(province, topic, language)
        if topic is None:
            reply = text("place_noted", language, place=province_resources()[province]["name"]) + "\n" + reply
        dispatcher.utter_message(text=reply)
        return []
