"""SafeRestInput: Rasa's REST channel (same URL: /webhooks/rest/webhook) with input checks.

Why not plain RestInput: a malformed body makes it raise (HTTP 500), it passes any text of any size to the
model, stores what users type verbatim (phone numbers included) and logs the text when something fails.
This channel answers bad requests with a clear 4xx, masks personal details before anything is stored,
answers empty input itself, and never lets an internal error reach the user as a 500 or as silence: they get a
short message that starts with 911. The whole message goes to the NLU — its safety nets read all of it, so an
emergency at the end of a long story is found; the classifier answers from the first `max_chars` characters, and
the user is told so (with the 911 line). The client's language (metadata `language`) is passed on untouched: the
NLU decides the conversation's language (gsdoa_nlu/components.py, LanguageDecider).

Privacy and security checks (issue 14):
- Only the button payloads the bot itself offers reach Rasa as `/intent{json}` (PayloadPolicy): a known intent,
  allow-listed entities paired with their intent, values of the right shape. Anything else that starts with "/" is
  plain text with the slash removed — cleaned and masked like any text, so Rasa's message parser never sees (or
  logs) it, and a crafted payload can't set slots, skip the check or have its value echoed back.
- Client metadata: only allow-listed keys (`language`) are kept; the rest is dropped before anything is stored.
- "start over" (the restart intent) erases the stored conversation exactly as /forget does.
- Sender ids starting with `tg-` belong to the Telegram bridge: refused (403) on the public path (nginx sets
  X-GSDOA-Public there) and, when BRIDGE_SHARED_SECRET is set, refused without the X-GSDOA-Bridge header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import Restarted, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import gsdoa_content
from gsdoa_nlu.patterns import load_yaml
from gsdoa_nlu.text import clean_user_text, has_words

logger = logging.getLogger(__name__)

# Button payloads: "/intent" or "/intent{json}" — passed on only when PayloadPolicy accepts them.
_PAYLOAD = re.compile(r"^/[A-Za-z_][\w]*(\{.{0,300}\})?$", re.S)
_PAYLOAD_PARTS = re.compile(r"^/(?P<intent>[A-Za-z_]\w{0,63})(?P<entities>\{.{0,300}\})?$", re.S)
_SENDER_MAX = 128
_INPUT_CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_METADATA_MAX_BYTES = 2048
# Client metadata kept (everything else is dropped before Rasa stores the message): the widget and the Telegram
# bridge send only {"language": "fr-CA"}.
_METADATA_KEYS = {"language": re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,2}$")}
# Sender ids of the Telegram bridge: only the bridge (private side, optional shared secret) may use them.
TELEGRAM_PREFIX = "tg-"
PUBLIC_HEADER = "X-GSDOA-Public"
BRIDGE_HEADER = "X-GSDOA-Bridge"
# Entities a payload may carry, and with which intents (None: any). Their values are checked against the slot's
# values in the domain (categorical slots) or the gazetteer (city). Derived from the buttons the bot offers
# (data/responses, actions/, bot/): the language choice, the province list, the check's answers, the emergency.
PAYLOAD_ENTITIES: dict[str, frozenset | None] = {
    "language": None,
    "province": frozenset({"inform_place"}),
    "city": frozenset({"inform_place"}),
    "emergency_kind": frozenset({"emergency"}),
    "gs_conditions": frozenset({"affirm"}),
    "gs_warrant": frozenset({"affirm"}),
}
# Longest message read at all (nginx refuses bodies over 16 KB; Telegram allows 4,096 characters).
HARD_CAP_CHARS = 12000

# Used when the domain can't be read (should not happen): still calm, still 911 first.
_LAST_RESORT = (
    "Something went wrong on my side, please try again in a moment. 🚨 If someone is overdosing, "
    "call 911. Overdose line (NORS): 1-888-688-6677."
)


def _anonymous(sender: str) -> str:
    """A short, non-reversible tag for log lines (never the sender id itself)."""
    return hashlib.sha256(sender.encode("utf-8")).hexdigest()[:10]


def _innermost_store(store: Any) -> Any:
    """The tracker store that really holds the data (Rasa wraps it in AwaitableTrackerStore/FailSafeTrackerStore)."""
    while getattr(store, "_tracker_store", None) is not None:
        store = store._tracker_store
    return store


def erase_conversation(tracker_store: Any, sender: str) -> bool:
    """Delete every stored event of one conversation; True if the store supports deleting.

    A Rasa `restart` only appends an event (the Redis store even merges old and new events), so "forget me"
    must delete the record itself. Supported: the in-memory store (default) and Redis (production)."""
    store = _innermost_store(tracker_store)
    if isinstance(getattr(store, "store", None), dict):  # InMemoryTrackerStore
        store.store.pop(sender, None)
        forget_clock = getattr(store, "forget", None)  # ExpiringInMemoryTrackerStore: not even the id stays
        if callable(forget_clock):
            forget_clock(sender)
        return True
    if getattr(store, "red", None) is not None and getattr(store, "key_prefix", None) is not None:  # Redis
        store.red.delete(store.key_prefix + sender)
        return True
    return False


def channel_language(metadata: dict[str, Any] | None) -> str | None:
    """The language a client says the user reads (`metadata.language`: 'fr', 'fr-CA', 'en-US'…) or None."""
    value = (metadata or {}).get("language")
    if not isinstance(value, str):
        return None
    code = value.strip().lower()[:2]
    return code if code in ("en", "fr") else None


class PayloadPolicy:
    """Which `/intent{json}` payloads are the bot's own: a domain intent that isn't a retrieval intent (those need
    the NLU's response selector), at most the allow-listed entities for that intent, each a single string value of
    the right shape. `canonical()` returns the payload rebuilt from the checked parts, or None."""

    def __init__(self, intents: Any, values: dict[str, Any]) -> None:
        self.intents = frozenset(intents)
        self.values = {name: frozenset(v) for name, v in values.items()}
        self.city_provinces: dict[str, str] = {}

    @classmethod
    def from_files(
        cls, domain: str = "domain.yml", places: str | None = None, catalogue: str | None = None
    ) -> PayloadPolicy:
        """The domain's intents and slot values; the gazetteer's cities and the intent catalogue come from data/
        through gsdoa_content, unless other files are given (tests)."""
        data = load_yaml(domain)
        intent_catalogue = gsdoa_content.load_path(catalogue) if catalogue else gsdoa_content.load("intents.yml")
        gazetteer = gsdoa_content.load_path(places) if places else gsdoa_content.load("patterns/places.yml")
        retrieval = {str(name).split("/", 1)[0] for name in (intent_catalogue.get("intents") or {}) if "/" in str(name)}
        intents = [str(i) for i in data.get("intents") or [] if isinstance(i, str) and i not in retrieval]
        slots = data.get("slots") or {}
        values = {
            name: [str(v) for v in (slots.get(name) or {}).get("values") or []]
            for name in PAYLOAD_ENTITIES
            if name != "city"
        }
        policy = cls(intents, values)
        for city in gazetteer.get("cities") or []:
            if isinstance(city, dict) and city.get("name") and city.get("province"):
                policy.city_provinces[str(city["name"])] = str(city["province"])
        return policy

    def _value_ok(self, name: str, value: Any, entities: dict[str, Any]) -> bool:
        if not isinstance(value, str):
            return False
        if name == "city":
            province = self.city_provinces.get(value)
            return province is not None and entities.get("province", province) == province
        return value in self.values.get(name, ())

    def canonical(self, text: str, language: str | None = None) -> str | None:
        """The accepted payload (with the client's first-guess language added when it has none), or None."""
        match = _PAYLOAD_PARTS.match(text.strip())
        if not match or match.group("intent") not in self.intents:
            return None
        intent, raw = match.group("intent"), match.group("entities")
        try:
            entities = json.loads(raw) if raw else {}
        except ValueError:
            return None
        if not isinstance(entities, dict) or len(entities) > len(PAYLOAD_ENTITIES):
            return None
        for name, value in entities.items():
            if name not in PAYLOAD_ENTITIES:
                return None
            allowed_with = PAYLOAD_ENTITIES[name]
            if allowed_with is not None and intent not in allowed_with:
                return None
            if not self._value_ok(name, value, entities):
                return None
        if "city" in entities:  # as the NLU's canonicalizer does: a city brings its province
            entities.setdefault("province", self.city_provinces[entities["city"]])
        if language in self.values.get("language", ()) and "language" not in entities:
            entities["language"] = language
        payload = "/" + intent + (json.dumps(entities, ensure_ascii=False) if entities else "")
        # The NLU's sanitizer cleans every text again: a payload must come out of it unchanged.
        return payload if clean_user_text(payload, HARD_CAP_CHARS)[0] == payload else None


def as_plain_text(message: str) -> str:
    """Any text that isn't an accepted payload: cleaned and masked, with no leading "/" (so Rasa's message parser
    never reads it). Repeated until stable, so cleaning it again (the NLU does) can't uncover a payload."""
    text = message
    for _ in range(5):
        cleaned = clean_user_text(text, HARD_CAP_CHARS)[0].lstrip("/ ")
        if cleaned == text:
            break
        text = cleaned
    else:
        text = re.sub(r"[/&<>]", " ", text).strip()  # pathological nesting: drop what could rebuild markup
    return text


def restarted_since_last_message(events: Any) -> bool:
    """True when the conversation was restarted ("start over") after the user's latest message."""
    for event in reversed(list(events or [])):
        if isinstance(event, Restarted):
            return True
        if isinstance(event, UserUttered):
            return False
    return False


def clean_metadata(metadata: Any) -> dict[str, Any] | None:
    """Only the allow-listed client metadata keys with well-shaped values; None when nothing is left."""
    if not isinstance(metadata, dict):
        return None
    kept = {
        key: value
        for key, value in metadata.items()
        if key in _METADATA_KEYS and isinstance(value, str) and _METADATA_KEYS[key].match(value)
    }
    return kept or None


def _header(request: Any, name: str) -> str | None:
    headers = getattr(request, "headers", None) or {}
    wanted = name.lower()
    for key, value in headers.items():
        if str(key).lower() == wanted:
            return value
    return None


def payload_with_language(text: str, language: str | None) -> str:
    """A button payload skips the NLU components (Rasa reads its intent and entities directly), so a first-guess
    language travels inside it: "/greet" -> '/greet{"language": "fr"}'. Other text is returned unchanged."""
    if not language or not _PAYLOAD.match(text):
        return text
    name, _, entities = text.partition("{")
    try:
        values = json.loads("{" + entities) if entities else {}
    except ValueError:
        return text
    if not isinstance(values, dict) or "language" in values:
        return text
    values["language"] = language
    return name + json.dumps(values, ensure_ascii=False)


# Clients that draw cards (the Telegram bridge sends input_channel "telegram"). The overdose answer carries the
# marker `custom: {card: overdose_response}` (data/responses/core.yml); other clients — the web chat, the terminal,
# any REST integration — would only get an empty, meaningless extra message, so the marker isn't sent to them.
CARD_CHANNELS = frozenset({"telegram"})


def without_card_markers(messages: list[dict[str, Any]], input_channel: str) -> list[dict[str, Any]]:
    """The messages to return: card markers only for clients that draw cards, everything else unchanged."""
    if input_channel in CARD_CHANNELS:
        return list(messages)

    def is_card_marker(message: dict[str, Any]) -> bool:
        custom = message.get("custom")
        others = set(message) - {"recipient_id", "custom"}
        return isinstance(custom, dict) and set(custom) == {"card"} and not others

    return [message for message in messages if not is_card_marker(message)]


class BadRequest(ValueError):
    """The request body doesn't have the REST channel's shape."""


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SafeRestInput:
        return cls(**(credentials or {}))

    def __init__(
        self,
        max_chars: int = 1000,
        texts: str | None = None,
        domain: str = "domain.yml",
        places: str | None = None,
        catalogue: str | None = None,
        bridge_secret: str | None = None,
    ) -> None:
        self.max_chars = int(max_chars)
        try:  # data/texts.yml through gsdoa_content (its path rule), or another texts file given by a test
            self._texts = gsdoa_content.load_path(texts).get("texts", {}) if texts else gsdoa_content.texts()
        except OSError:
            logger.warning("Channel texts not found; using the built-in last-resort reply.")
            self._texts = {}
        try:
            self.payloads = PayloadPolicy.from_files(domain, places, catalogue)
        except OSError:
            logger.warning("Domain or gazetteer not found: no button payload is accepted, all input is text.")
            self.payloads = PayloadPolicy([], {})
        secret = bridge_secret if bridge_secret is not None else os.environ.get("BRIDGE_SHARED_SECRET", "")
        self.bridge_secret = secret.strip()

    # ---- request parsing ---------------------------------------------------------------------------------
    def parse(self, request: Request) -> dict[str, Any]:
        """The checked fields of a request, or BadRequest with a message for the client."""
        try:
            body = request.json
        except Exception as error:  # sanic raises on invalid JSON
            raise BadRequest("The body must be JSON.") from error
        if not isinstance(body, dict):
            raise BadRequest('The body must be a JSON object: {"sender": "...", "message": "..."}.')
        sender = body.get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > _SENDER_MAX:
            raise BadRequest(f'"sender" must be a non-empty string of at most {_SENDER_MAX} characters.')
        message = body.get("message")
        if not isinstance(message, str):
            raise BadRequest('"message" must be a string.')
        input_channel = body.get("input_channel")
        if not (isinstance(input_channel, str) and _INPUT_CHANNEL.match(input_channel)):
            input_channel = self.name()
        metadata = body.get("metadata")
        if not isinstance(metadata, dict) or len(repr(metadata)) > _METADATA_MAX_BYTES:
            metadata = None
        return {
            "sender": sender.strip(),
            "message": message,
            "input_channel": input_channel,
            "metadata": clean_metadata(metadata),
        }

    def sender_refusal(self, request: Any, sender: str) -> str | None:
        """Why this request may not use this sender id (Telegram's ids are the bridge's alone), or None."""
        if not sender.lower().startswith(TELEGRAM_PREFIX):
            return None
        if _header(request, PUBLIC_HEADER) is not None:
            return "This conversation id is reserved for the Telegram bridge."
        if self.bridge_secret:
            given = _header(request, BRIDGE_HEADER) or ""
            if not hmac.compare_digest(given.encode("utf-8"), self.bridge_secret.encode("utf-8")):
                return "This conversation id is reserved for the Telegram bridge."
        return None

    def prepare_text(self, message: str, language: str | None = None) -> tuple[str, bool]:
        """Text to hand to Rasa: an accepted button payload in its canonical form (with the client's first-guess
        language), anything else as plain text (cleaned, masked, no leading "/", whole up to HARD_CAP_CHARS).
        The flag says whether the classifier will read only the first `max_chars` characters."""
        payload = self.payloads.canonical(message, language)
        if payload is not None:
            return payload, False
        text = as_plain_text(message)
        return text, len(text) > self.max_chars

    # ---- replies written by the channel itself ----------------------------------------------------------
    def reply_text(self, name: str, language: str | None = "en") -> str:
        """A channel text from data/texts.yml in `language` (gsdoa_content's rule: else English); both languages
        when it isn't known (None)."""
        entry = self._texts.get(name) or {}
        if not entry.get("en"):
            return _LAST_RESORT
        return gsdoa_content.both_languages(entry) if language is None else gsdoa_content.in_language(entry, language)

    def reply_language(self, metadata: dict[str, Any] | None) -> str | None:
        """For the channel's own replies (no NLU ran): the client's language, else None (both languages)."""
        return channel_language(metadata)

    # ---- the two routes --------------------------------------------------------------------------------
    async def forget(self, request: Any) -> HTTPResponse:
        """Erase one conversation (Telegram /forget, the widget's "Delete conversation")."""
        try:
            body = request.json
        except Exception:
            body = None
        sender = body.get("sender") if isinstance(body, dict) else None
        if not isinstance(sender, str) or not sender.strip() or len(sender) > _SENDER_MAX:
            return response.json(
                {"error": f'"sender" must be a non-empty string of at most {_SENDER_MAX} characters.'}, status=400
            )
        sender = sender.strip()
        refusal = self.sender_refusal(request, sender)
        if refusal:
            return response.json({"erased": False, "error": refusal}, status=403)
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return response.json({"erased": False, "error": "The bot is still starting."}, status=503)
        try:
            async with agent.lock_store.lock(sender):
                erased = erase_conversation(agent.tracker_store, sender)
        except Exception:
            logger.error("Erasing a conversation failed (conversation %s).", _anonymous(sender), exc_info=False)
            return response.json({"erased": False, "error": "Could not erase the conversation."}, status=503)
        if not erased:
            return response.json(
                {"erased": False, "error": "This tracker store can't delete conversations."}, status=501
            )
        return response.json({"erased": True})

    async def erase_if_restarted(self, agent: Any, sender: str) -> bool:
        """After "start over" (the restart intent, action_restart): delete the stored conversation, under the
        conversation's lock, exactly as /forget does. True when it was erased. One read per message; the lock is
        taken (and the history read again under it) only when the conversation was restarted."""
        if agent is None or getattr(agent, "tracker_store", None) is None:
            return False
        store = agent.tracker_store
        # the whole history: retrieve() stops at the session Rasa starts right after a restart
        fetch = getattr(store, "retrieve_full_tracker", None) or store.retrieve

        async def restarted() -> bool:
            tracker = await fetch(sender)
            return tracker is not None and restarted_since_last_message(tracker.events)

        try:
            if not await restarted():
                return False
            async with agent.lock_store.lock(sender):
                return await restarted() and erase_conversation(store, sender)
        except Exception:
            logger.error(
                "Erasing a restarted conversation failed (conversation %s).", _anonymous(sender), exc_info=False
            )
            return False

    async def receive(self, request: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        try:
            fields = self.parse(request)
        except BadRequest as error:
            return response.json({"error": str(error)}, status=400)
        refusal = self.sender_refusal(request, fields["sender"])
        if refusal:
            return response.json({"error": refusal}, status=403)

        metadata = fields["metadata"]
        language = self.reply_language(metadata)
        text, truncated = self.prepare_text(fields["message"], channel_language(metadata))
        if not has_words(text):
            return response.json([{"recipient_id": fields["sender"], "text": self.reply_text("no_text", language)}])

        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(text, collector, fields["sender"], input_channel=fields["input_channel"], metadata=metadata)
            )
        except (CancelledError, Exception):  # never a 500 and never the user's text in the log
            logger.error("Processing a message failed (conversation %s).", _anonymous(fields["sender"]), exc_info=False)
            return response.json(
                [{"recipient_id": fields["sender"], "text": self.reply_text("service_degraded", language)}]
            )

        messages = without_card_markers(collector.messages, fields["input_channel"])
        await self.erase_if_restarted(getattr(request.app.ctx, "agent", None), fields["sender"])
        if truncated:
            messages.append({"recipient_id": fields["sender"], "text": self.reply_text("long_message", language)})
        if not messages:
            messages.append({"recipient_id": fields["sender"], "text": self.reply_text("service_degraded", language)})
        return response.json(messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            return await self.forget(request)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        return webhook
