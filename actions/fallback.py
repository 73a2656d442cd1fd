"""The fallback ladder: "Did you mean…?" first, then the main topics with the emergency reminder.

Rules utter `utter_fallback` before this action, so a reply exists even if the action server is down."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import intent_catalogue, text

FALLBACK_INTENT = "nlu_fallback"
# The emergency button: a payload skips the NLU, so it says which emergency answer to give (the general one).
EMERGENCY_PAYLOAD = '/emergency{"emergency_kind": "general"}'
MAX_SUGGESTIONS = 2
MIN_CONFIDENCE = 0.05


def consecutive_fallbacks(events: list[dict[str, Any]]) -> int:
    """How many user messages in a row, up to the latest, fell back (a restart resets the count)."""
    count = 0
    for event in reversed(events):
        if event.get("event") == "restart":
            break
        if event.get("event") == "user":
            if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK_INTENT:
                break
            count += 1
    return count


def full_intent(name: str, parse_data: dict[str, Any]) -> str | None:
    """'legal' -> 'legal/arrest' using the ResponseSelector's pick; plain intents unchanged."""
    selector = (parse_data.get("response_selector") or {}).get(name)
    if selector is None:
        return name
    return ((selector.get("response") or {}).get("intent_response_key")) or None


def label(entry: dict[str, Any], language: str | None) -> str:
    """The button label in the conversation's language (data/intents.yml: label / label_fr)."""
    return entry.get("label_fr") or entry["label"] if language == "fr" else entry["label"]


def suggestions(parse_data: dict[str, Any], language: str | None = "en") -> list[dict[str, str]]:
    """Up to two buttons for the likeliest intents that may be offered, as labelled in data/intents.yml.
    A button's payload is its label, which the model maps back to that intent."""
    catalogue = intent_catalogue()
    buttons: list[dict[str, str]] = []
    for ranked in parse_data.get("intent_ranking") or []:
        name = ranked.get("name")
        if not name or name == FALLBACK_INTENT or (ranked.get("confidence") or 0) < MIN_CONFIDENCE:
            continue
        intent = full_intent(name, parse_data)
        entry = catalogue.get(intent or "")
        if not entry or entry.get("offer", True) is False:
            continue
        title = label(entry, language)
        if any(b["title"] == title for b in buttons):
            continue
        payload = EMERGENCY_PAYLOAD if intent == "emergency" else title
        buttons.append({"title": title, "payload": payload})
        if len(buttons) == MAX_SUGGESTIONS:
            break
    return buttons


class ActionDidYouMean(Action):
    """After a message the model isn't sure about: offer the likeliest topics, or the main topics after
    a second miss in a row."""

    def name(self) -> str:
        return "action_did_you_mean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = tracker.get_slot("language")
        buttons = suggestions(tracker.latest_message or {}, language)
        if consecutive_fallbacks(tracker.events) >= 2 or not buttons:
            dispatcher.utter_message(
                text=text("fallback_topics", language), buttons=text("fallback_topic_buttons", language)
            )
            return []
        help_label = label(intent_catalogue()["help"], language)
        if all(button["title"] != help_label for button in buttons):  # the ranking may have offered it already
            buttons.append({"title": help_label, "payload": "/help"})
        dispatcher.utter_message(text=text("did_you_mean", language), buttons=buttons)
        return []
