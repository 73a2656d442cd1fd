"""Local harm-reduction resources (data/resources/directory.yml) for the place the user is in.

A resource question (naloxone, supervised consumption, drug checking, health line, addiction help, crisis lines,
/resources) gets its general answer from the ResponseSelector first — so there is an answer even with the action
server down — then `action_local_resources` adds the entries for the city/province named in the message or
remembered in the `province` slot, or asks "Which province or territory are you in?" with a button per
jurisdiction. The place is kept for this conversation only (the `province` slot). After an emergency answer,
places without 911 (Nunavut, per our sources) get what to do instead."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content import text, topics
from actions.directory import entries, format_entry
from actions.fallback import full_intent
from gsdoa_content import NATIONAL, city_name, in_language, province_name, provinces

EMERGENCY = "emergency"


def place_name(province: str, city: str | None, language: str | None) -> str:
    """'Regina, Saskatchewan' / 'la ville de Québec, Québec': the names the bot writes (data/jurisdictions.yml)."""
    name = province_name(province, language)
    if city:
        city = city_name(city, language)
    return f"{city}, {name}" if city else name


def kinds_for(intent: str | None) -> list[str]:
    return list((topics().get("topics") or {}).get(intent or "", []))


def place_in_message(message: dict[str, Any]) -> tuple[str | None, str | None]:
    """(province code, city) named in the message; the canonicalizer adds a city's province as an entity."""
    province = city = None
    for entity in message.get("entities") or []:
        if entity.get("entity") == "province" and province is None and entity.get("value") in provinces():
            province = entity["value"]
        elif entity.get("entity") == "city" and city is None:
            city = entity.get("value")
    return province, city


def without_911(entry: dict[str, Any]) -> bool:
    return "911" not in str(entry.get("phone") or "")


def local_reply(kinds: list[str], province: str, city: str | None, language: str | None) -> str:
    """The directory entries of each kind for the place (city first, then province), or the national ones with a
    note when the place has none of that kind. Each entry ends with its source and verified-on date."""
    limit = int(topics().get("max_per_kind", 2))
    budget = int(topics().get("max_local_chars", 650))
    place = place_name(province, city, language)
    blocks: list[str] = [text("local_header", language, place=place)]
    seen = set()
    for kind in kinds:
        local = [e for e in entries(kind, province, city, include_national=False) if e["id"] not in seen][:limit]
        if not local:
            names = (topics().get("kind_names") or {}).get(kind)
            kind_name = in_language(names, language) if names else kind
            national = [e for e in entries(kind) if e.get("jurisdiction") == NATIONAL and e["id"] not in seen]
            if not national:
                blocks.append(text("no_listing", language, kind=kind_name, place=place))
                continue
            blocks.append(text("no_local_entry", language, kind=kind_name, place=place))
            local = national[:1]
        for entry in local:
            # a national stand-in is shown short: the answer above already says what it is
            block = format_entry(entry, language, compact=entry.get("jurisdiction") == NATIONAL)
            if len(blocks) > 1 and sum(map(len, blocks)) + len(block) > budget:
                break  # the first entry always fits; more only while the reply stays phone-sized
            seen.add(entry["id"])
            blocks.append(block)
    return "\n\n".join(blocks) if len(blocks) > 1 else ""


def province_buttons(language: str | None) -> list[dict[str, str]]:
    return [
        {"title": place_name(code, None, language), "payload": f'/inform_place{{"province":"{code}"}}'}
        for code in provinces()
    ]


class ActionLocalResources(Action):
    """After a resource answer: the entries for the user's place, or the province question."""

    def name(self) -> str:
        return "action_local_resources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        topic = full_intent(intent, message) if intent else None
        province, city = place_in_message(message)
        kinds = kinds_for(topic)
        if not kinds and province:
            kinds = list((topics().get("with_place_only") or {}).get(topic or "", []))
        if not kinds:
            return []
        language = tracker.get_slot("language")
        province = province or tracker.get_slot("province")
        if province not in provinces():
            if intent != EMERGENCY:
                outside = any(e.get("entity") == "foreign_place" for e in message.get("entities") or [])
                dispatcher.utter_message(
                    text=text("place_unknown" if outside else "ask_province", language),
                    buttons=province_buttons(language),
                )
            return []
        if intent == EMERGENCY:  # the emergency answer says 911; add what to do where there is none
            local = [e for e in entries(EMERGENCY, province, include_national=False) if without_911(e)]
            for entry in local[:1]:
                dispatcher.utter_message(text=format_entry(entry, language))
            return []
        reply = local_reply(kinds, province, city, language)
        if reply:
            dispatcher.utter_message(text=reply)
        return [SlotSet("province", province)]


def pending_kinds(events: list[dict[str, Any]], lookback: int = 3) -> list[str] | None:
    """The resource kinds of the question the user asked just before naming a place (None if there was none)."""
    seen = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        seen += 1
        if seen == 1:
            continue  # the place message itself
        parse_data = event.get("parse_data") or {}
        name = (parse_data.get("intent") or {}).get("name")
        if name and name != "inform_place":
            kinds = kinds_for(full_intent(name, parse_data))
            return [k for k in kinds if k != EMERGENCY] or None
        if seen > lookback:
            break
    return None


class ActionPlaceAnswer(Action):
    """The user said where they are ("we're in Dartmouth", or a province button): answer the pending resource
    question for that place, or note the place and show naloxone and the health line there."""

    def name(self) -> str:
        return "action_place_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = tracker.get_slot("language")
        province, city = place_in_message(tracker.latest_message or {})
        if province is None:
            dispatcher.utter_message(text=text("place_unknown", language), buttons=province_buttons(language))
            return []
        kinds = pending_kinds(tracker.events)
        reply = local_reply(kinds or list(topics()["place_only"]), province, city, language)
        if kinds is None:
            reply = text("place_noted", language, place=place_name(province, None, language)) + "\n" + reply
        dispatcher.utter_message(text=reply)
        return [SlotSet("province", province)]
