"""SafeRestInput: Rasa's REST channel (same URL: /webhooks/rest/webhook) with input checks.

Why not plain RestInput: a malformed body makes it raise (HTTP 500), it passes any text of any size to the
model, stores what users type verbatim (phone numbers included) and logs the text when something fails.
This channel answers bad requests with a clear 4xx, masks personal details before anything is stored,
answers empty input itself, and never lets an internal error reach the user as a 500 or as silence: they get a
short message that starts with 911. The whole message goes to the NLU — its safety nets read all of it, so an
emergency at the end of a long story is found; the classifier answers from the first `max_chars` characters, and
the user is told so (with the 911 line). The client's language (metadata `language`) is passed on untouched: the
NLU decides the conversation's language (gsdoa_nlu/components.py, LanguageDecider).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from gsdoa_nlu.patterns import load_yaml
from gsdoa_nlu.text import clean_user_text, has_words

logger = logging.getLogger(__name__)

# Button payloads: "/intent" or "/intent{json}" — passed on untouched.
_PAYLOAD = re.compile(r"^/[A-Za-z_][\w]*(\{.{0,300}\})?$", re.S)
_SENDER_MAX = 128
_INPUT_CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_METADATA_MAX_BYTES = 2048
# Longest message read at all (nginx refuses bodies over 16 KB; Telegram allows 4,096 characters).
HARD_CAP_CHARS = 12000

# Used when the domain can't be read (should not happen): still calm, still 911 first.
_LAST_RESORT = ("Something went wrong on my side, please try again in a moment. 🚨 If someone is overdosing, "
                "call 911. Overdose line (NORS): 1-888-688-6677.")


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
        return True
    if getattr(store, "red", None) is not None and getattr(store, "key_prefix", None) is not None:  # Redis
        store.red.delete(store.key_prefix + sender)
        return True
    return False


def channel_language(metadata: Optional[Dict[str, Any]]) -> Optional[str]:
    """The language a client says the user reads (`metadata.language`: 'fr', 'fr-CA', 'en-US'…) or None."""
    value = (metadata or {}).get("language")
    if not isinstance(value, str):
        return None
    code = value.strip().lower()[:2]
    return code if code in ("en", "fr") else None


def payload_with_language(text: str, language: Optional[str]) -> str:
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


class BadRequest(ValueError):
    """The request body doesn't have the REST channel's shape."""


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SafeRestInput":
        return cls(**(credentials or {}))

    def __init__(self, max_chars: int = 1000, texts: str = "data/texts.yml") -> None:
        self.max_chars = int(max_chars)
        try:
            self._texts = load_yaml(texts).get("texts", {})
        except OSError:
            logger.warning("Channel texts not found at %s; using the built-in last-resort reply.", texts)
            self._texts = {}

    # ---- request parsing ---------------------------------------------------------------------------------
    def parse(self, request: Request) -> Dict[str, Any]:
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
        return {"sender": sender.strip(), "message": message, "input_channel": input_channel, "metadata": metadata}

    def prepare_text(self, message: str) -> tuple[str, bool]:
        """Text to hand to Rasa: button payloads unchanged, anything else cleaned (whole, up to HARD_CAP_CHARS).
        The flag says whether the classifier will read only the first `max_chars` characters."""
        stripped = message.strip()
        if _PAYLOAD.match(stripped):
            return stripped, False
        text, _ = clean_user_text(message, HARD_CAP_CHARS)
        return text, len(text) > self.max_chars

    # ---- replies written by the channel itself ----------------------------------------------------------
    def reply_text(self, name: str, language: Optional[str] = "en") -> str:
        """A channel text from data/texts.yml in `language`; both languages when it isn't known (None)."""
        entry = self._texts.get(name) or {}
        if language is None and entry.get("en") and entry.get("fr"):
            return f"{entry['en']}\n\n{entry['fr']}"
        return entry.get(language or "en") or entry.get("en") or _LAST_RESORT

    def reply_language(self, metadata: Optional[Dict[str, Any]]) -> Optional[str]:
        """For the channel's own replies (no NLU ran): the client's language, else None (both languages)."""
        return channel_language(metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            """Erase one conversation (Telegram /forget, the widget's "Delete conversation")."""
            try:
                body = request.json
            except Exception:
                body = None
            sender = body.get("sender") if isinstance(body, dict) else None
            if not isinstance(sender, str) or not sender.strip() or len(sender) > _SENDER_MAX:
                return response.json({"error": f'"sender" must be a non-empty string of at most {_SENDER_MAX} '
                                               'characters.'}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return response.json({"erased": False, "error": "The bot is still starting."}, status=503)
            sender = sender.strip()
            try:
                async with agent.lock_store.lock(sender):
                    erased = erase_conversation(agent.tracker_store, sender)
            except Exception:
                logger.error("Erasing a conversation failed (conversation %s).", _anonymous(sender), exc_info=False)
                return response.json({"erased": False, "error": "Could not erase the conversation."}, status=503)
            if not erased:
                return response.json({"erased": False, "error": "This tracker store can't delete conversations."},
                                     status=501)
            return response.json({"erased": True})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                fields = self.parse(request)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)

            text, truncated = self.prepare_text(fields["message"])
            language = self.reply_language(fields["metadata"])
            if not has_words(text):
                return response.json([{"recipient_id": fields["sender"],
                                       "text": self.reply_text("no_text", language)}])

            metadata = fields["metadata"]
            text = payload_with_language(text, channel_language(metadata))
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, fields["sender"],
                                                 input_channel=fields["input_channel"],
                                                 metadata=metadata))
            except (CancelledError, Exception):  # never a 500 and never the user's text in the log
                logger.error("Processing a message failed (conversation %s).", _anonymous(fields["sender"]),
                             exc_info=False)
                return response.json([{"recipient_id": fields["sender"],
                                       "text": self.reply_text("service_degraded", language)}])

            messages: List[Dict[str, Any]] = list(collector.messages)
            if truncated:
                messages.append({"recipient_id": fields["sender"],
                                 "text": self.reply_text("long_message", language)})
            if not messages:
                messages.append({"recipient_id": fields["sender"],
                                 "text": self.reply_text("service_degraded", language)})
            return response.json(messages)

        return webhook
