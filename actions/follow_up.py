"""After a language switch ("in French please", the FR/EN button): the last answer again, in the new language.

The bot's answers are stored as events that name their response (`utter_action`); uttering those names again
renders them with the conversation's new `language` slot. Replies put together by actions (local resources, "Did
you mean…?") have no response name and aren't repeated; neither are the conversation's small talk responses."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

NOT_REPEATED = (
    "utter_language_set",
    "utter_fallback",
    "utter_check_hint",
    "utter_restart",
    "utter_greet",
    "utter_thanks",
    "utter_goodbye",
)


def last_answer(events: list[dict[str, Any]]) -> list[str]:
    """Response names of the bot's last answer before the latest user message (in order), skipping small talk."""
    users_seen = 0
    names: list[str] = []
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            users_seen += 1
            if users_seen == 2 and names:
                break
            continue
        if kind == "bot" and users_seen >= 1:
            name: str | None = (event.get("metadata") or {}).get("utter_action")
            if name and name not in NOT_REPEATED:
                names.insert(0, name)
    return names


class ActionRepeatLastAnswer(Action):
    """Repeats the previous answer's responses (rendered in the language just chosen)."""

    def name(self) -> str:
        return "action_repeat_last_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        for response in last_answer(tracker.events):
            dispatcher.utter_message(response=response)
        return []
