"""The result of the "Am I protected?" check (form check_protection_form).

The form (pure Rasa, no validation action) asks four yes/no questions; this action joins the matching pieces of
the verdict (texts verdict_* in data/texts.yml) into one message and clears the answers, so nothing about the
user's situation stays in the conversation afterwards."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import text

CHECK_SLOTS = ("gs_involved", "gs_beyond_personal", "gs_conditions", "gs_warrant")


def verdict_parts(involved: Any, beyond_personal: Any, conditions: Any, warrant: Any) -> list[str]:
    """Names of the verdict texts for a set of answers, in reading order."""
    parts: list[str] = []
    if involved is False:
        parts.append("verdict_not_involved")
    else:
        parts.append("verdict_possession_only")
        if beyond_personal:
            parts.append("verdict_beyond_personal")
    if conditions in ("possession", "other", "unspecified"):
        parts.append(f"verdict_conditions_{conditions}")
    if warrant in ("yes", "unsure"):
        parts.append(f"verdict_warrant_{warrant}")
    parts.append("verdict_footer")
    return parts


class ActionProtectionVerdict(Action):
    """Explains what the Good Samaritan Drug Overdose Act means for the answers given in the check."""

    def name(self) -> str:
        return "action_protection_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = tracker.get_slot("language")
        answers = [tracker.get_slot(slot) for slot in CHECK_SLOTS]
        message = "\n".join(text(name, language) for name in verdict_parts(*answers))
        dispatcher.utter_message(text=message)
        return [SlotSet(slot, None) for slot in CHECK_SLOTS]
