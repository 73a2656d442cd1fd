"""The Telegram bridge: PTB handlers that relay to Rasa's REST channel and send the replies back.

Why our own bridge and not Rasa's `telegram` channel: see shared/knowledge/rasa-engineering-notes.md §0.6 —
it is webhook-only, calls Telegram at start (no offline demo), doesn't authenticate requests, never answers
button presses and can't be tested offline.

Safety: whatever goes wrong (Rasa down or slow, Telegram errors), the user gets a message with 911 and the
overdose line, never silence; /emergency is answered by the bridge itself.
Privacy: Rasa sees a keyed hash of the chat id, never the Telegram id; nothing here logs message text or ids.
Abuse: a per-chat rate limit (limits.py) runs before every handler; button data is signed per chat (render.py),
so a modified client can't send Rasa a payload the bot didn't offer; in groups only admins may /forget.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from telegram import BotCommand, Chat, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ChatAction, ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.cards import CARD_NAME, card_content, card_png
from bot.telegram import content
from bot.telegram.limits import ADMIT, WARN, ChatRateLimiter
from bot.telegram.rasa_client import RasaClient, RasaUnavailable
from bot.telegram.render import CallbackCodec, Outgoing, button_rows, plan_replies, requested_cards, to_html
from bot.telegram.settings import Settings

_SET_LANGUAGE = re.compile(r'^/set_language\{"language":\s*"(en|fr)"\}$')
logger = logging.getLogger("bot.telegram")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SEND_ATTEMPTS = 4  # network errors: 0.5 s, 1 s, 2 s between attempts
TYPING_AFTER_S = 0.4  # most answers come faster: don't spend Telegram's rate budget on "typing…"
TYPING_EVERY_S = 4.5  # Telegram shows "typing…" for about 5 s
CONCURRENT_UPDATES = 64  # different chats in parallel; one chat stays in order (ChatLocks)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _chat(update: Update) -> Chat:
    """The update's chat: the handlers that use it are registered for messages, commands and buttons, which have one."""
    if update.effective_chat is None:
        raise ValueError("an update without a chat reached a chat handler")
    return update.effective_chat


def _message(update: Update) -> Message:
    """The update's message, for the handlers registered for messages."""
    if update.effective_message is None:
        raise ValueError("an update without a message reached a message handler")
    return update.effective_message


class ChatLocks:
    """One asyncio.Lock per conversation while it has messages in flight (then forgotten): replies to a chat
    stay in the order its messages came, while other chats go on in parallel."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class TelegramBridge:
    def __init__(self, settings: Settings, rasa: RasaClient | None = None) -> None:
        self.settings = settings
        self.rasa = rasa or RasaClient(
            settings.rasa_url, timeout=settings.rasa_timeout, bridge_secret=settings.bridge_secret
        )
        self.codec = CallbackCodec(key=settings.callback_key)
        self.limiter = ChatRateLimiter(settings.chat_rate, settings.chat_burst)
        self.locks = ChatLocks()
        self.chosen_languages: OrderedDict[str, str] = OrderedDict()  # sender -> en/fr picked with /language
        # senders whose conversation already got the first language guess (bounded, hashed ids, in memory)
        self.started: OrderedDict[str, None] = OrderedDict()

    # ---- identity -----------------------------------------------------------------------------------------
    def sender_id(self, chat_id: int) -> str:
        """Rasa's conversation id for a chat: a keyed hash, so the tracker store never holds Telegram ids."""
        digest = hmac.new(self.settings.sender_key, str(chat_id).encode("ascii"), hashlib.sha256).hexdigest()
        return "tg-" + digest[:32]

    # ---- application --------------------------------------------------------------------------------------
    def build_application(self) -> Application:
        builder = (
            Application.builder()
            .token(self.settings.token)
            .rate_limiter(AIORateLimiter(max_retries=3))
            .concurrent_updates(CONCURRENT_UPDATES)
            .connect_timeout(5)
            .read_timeout(15)
            .write_timeout(20)
            .pool_timeout(10)
            .get_updates_read_timeout(30)
        )
        if self.settings.api_base_url:
            base = self.settings.api_base_url.rstrip("/")
            builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        app = builder.build()
        app.add_handler(TypeHandler(Update, self.gate), group=-1)  # before every other handler
        commands = {
            "start": self.on_start,
            "help": self.on_help,
            "emergency": self.on_emergency,
            "resources": self.on_resources,
            "language": self.on_language,
            "privacy": self.on_privacy,
            "forget": self.on_forget,
        }
        for name, callback in commands.items():
            app.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, self.on_unknown_command))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self.on_text))
        app.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & (filters.VOICE | filters.VIDEO_NOTE | filters.AUDIO | filters.VIDEO),
                self.on_voice,
            )
        )
        app.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & (filters.LOCATION | filters.VENUE), self.on_location)
        )
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_other))
        app.add_error_handler(self.on_error)
        return app

    async def prepare_cards(self) -> None:
        """Draw the cards in the background after start-up, so the first emergency doesn't wait for it."""
        for language in content.LANGUAGES:
            await asyncio.to_thread(card_png, language)

    async def register_commands(self, app: Application) -> None:
        """The command menu in Telegram, in English (default) and French."""
        for language in content.LANGUAGES:
            menu = [BotCommand(name, description) for name, description in content.commands(language)]
            await self._call(app.bot.set_my_commands, menu, language_code=None if language == "en" else language)

    # ---- sending ------------------------------------------------------------------------------------------
    async def _call(self, method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """A Bot API call, retried with backoff on network errors (429s are retried by the rate limiter)."""
        for attempt in range(SEND_ATTEMPTS):
            try:
                return await method(*args, **kwargs)
            except (BadRequest, Forbidden):
                raise
            except (TimedOut, NetworkError):
                if attempt == SEND_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)

    async def send_text(
        self, app_bot: Any, chat_id: int, text: str, buttons: list[dict[str, str]] | None = None
    ) -> Message | None:
        markup = None
        if buttons:  # callback_data signed for this chat only
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(cell["text"], callback_data=cell["callback_data"]) for cell in row]
                    for row in button_rows(buttons, self.codec, self.sender_id(chat_id))
                ]
            )
        try:
            return await self._call(
                app_bot.send_message,
                chat_id=chat_id,
                text=to_html(text),
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as error:
            if "parse" not in str(error).lower():
                raise
            # Our escaping should make this impossible; if Telegram still refuses the HTML, send plain text.
            return await self._call(
                app_bot.send_message, chat_id=chat_id, text=text, reply_markup=markup, link_preview_options=NO_PREVIEW
            )

    async def send_card(self, app_bot: Any, chat_id: int, language: str) -> None:
        """The overdose-response card as a photo (drawn once per language from data/cards/)."""
        png = await asyncio.to_thread(card_png, language)  # drawing takes ~0.5 s once: not on the event loop
        await self._call(app_bot.send_photo, chat_id=chat_id, photo=png, caption=card_content(language)["caption"])

    async def deliver(
        self, app_bot: Any, chat_id: int, replies: list[dict[str, Any]], language: str, in_group: bool = False
    ) -> None:
        if in_group and any(content.is_check_start(str(reply.get("text") or "")) for reply in replies):
            # The "Am I protected?" check asks about probation, warrants, what police could see: in a group
            # everyone reads the answers, so first suggest a private chat with the bot.
            await self.send_text(
                app_bot,
                chat_id,
                content.text("telegram_group_check_private", language, bot=getattr(app_bot, "username", None) or ""),
            )
        for outgoing in plan_replies(replies):
            await self._send_planned(app_bot, chat_id, outgoing)
        # The emergency answer carries `custom: {card: overdose_response}` (data/responses/core.yml): the card
        # follows it as a photo. The marker decides, never the answer's wording.
        for card in requested_cards(replies):
            if card == CARD_NAME:
                await self.send_card(app_bot, chat_id, language)
            else:
                logger.warning("A reply asked for an unknown card; nothing sent for it.")

    async def _send_planned(self, app_bot: Any, chat_id: int, outgoing: Outgoing) -> None:
        if outgoing.photo:
            try:
                await self._call(app_bot.send_photo, chat_id=chat_id, photo=outgoing.photo)
            except BadRequest:  # Telegram couldn't fetch the picture: send the link instead
                await self.send_text(app_bot, chat_id, outgoing.photo)
            return
        await self.send_text(app_bot, chat_id, outgoing.text, outgoing.buttons)

    @contextlib.asynccontextmanager
    async def typing(self, app_bot: Any, chat_id: int) -> AsyncIterator[None]:
        """Shows "typing…" when Rasa takes a moment (renewed every few seconds)."""

        async def keep_typing() -> None:
            await asyncio.sleep(TYPING_AFTER_S)
            while True:
                with contextlib.suppress(TelegramError):
                    await app_bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
                await asyncio.sleep(TYPING_EVERY_S)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ---- relaying to Rasa ---------------------------------------------------------------------------------
    async def relay(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str, offline_text: str = "bot_unreachable"
    ) -> None:
        """Send one message to Rasa and its replies to the chat; Rasa down or slow -> 911 + NORS + try again."""
        chat_id = _chat(update).id
        language = self.language(update)
        sender = self.sender_id(chat_id)
        async with self.locks.hold(sender):
            replies: list[dict[str, Any]] | None = None
            async with self.typing(context.bot, chat_id):
                try:
                    replies = await asyncio.wait_for(
                        self.rasa.send(sender, message, self.first_guess(sender, language)), self.settings.rasa_timeout
                    )
                except (RasaUnavailable, asyncio.TimeoutError) as error:
                    logger.warning("Rasa did not answer (%s); sent the offline message.", type(error).__name__)
            if not replies:
                await self.send_text(context.bot, chat_id, content.text(offline_text, language))
                return
            await self.deliver(context.bot, chat_id, replies, language, in_group=_chat(update).type != ChatType.PRIVATE)

    MAX_REMEMBERED_LANGUAGES = 10_000

    def first_guess(self, sender: str, language: str) -> str | None:
        """The user's language as a first guess for Rasa — only with a conversation's first message: after that the
        conversation's own language (what the user writes, /language) decides, not the phone's setting."""
        if sender in self.started:
            return None
        self.started[sender] = None
        while len(self.started) > self.MAX_REMEMBERED_LANGUAGES:
            self.started.popitem(last=False)
        return language

    def language(self, update: Update) -> str:
        """The language of the bridge's own texts: the one picked with /language, else Telegram's."""
        if update.effective_chat is not None:
            chosen = self.chosen_languages.get(self.sender_id(update.effective_chat.id))
            if chosen:
                return chosen
        user = update.effective_user
        return content.language_of(user.language_code if user else None)

    def remember_language(self, chat_id: int, payload: str) -> None:
        """After a /language button: keep the choice (a hashed chat id and 'en'/'fr', bounded, in memory)."""
        match = _SET_LANGUAGE.match(payload)
        if not match:
            return
        sender = self.sender_id(chat_id)
        self.chosen_languages.pop(sender, None)
        self.chosen_languages[sender] = match.group(1)
        while len(self.chosen_languages) > self.MAX_REMEMBERED_LANGUAGES:
            self.chosen_languages.popitem(last=False)

    def addressed_to_bot(self, update: Update, bot_username: str, bot_id: int) -> bool:
        """Private chats: always. Groups: only a @mention of the bot or a reply to one of its messages."""
        message = _message(update)
        if _chat(update).type == ChatType.PRIVATE:
            return True
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot_id:
            return True
        return bool(bot_username) and f"@{bot_username}".lower() in (message.text or message.caption or "").lower()

    # ---- the per-chat rate limit -----------------------------------------------------------------------------
    def counts_against_limit(self, update: Update, bot: Any) -> bool:
        """Updates the bot answers: everything in a private chat, buttons; in groups commands, mentions, replies."""
        if update.callback_query is not None:
            return True
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return False
        if update.effective_chat.type == ChatType.PRIVATE:
            return True
        return (message.text or "").startswith("/") or self.addressed_to_bot(update, bot.username, bot.id)

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Before every handler: over the chat's rate -> one friendly "slow down" (with 911), nothing relayed."""
        chat = update.effective_chat
        if chat is None or not self.counts_against_limit(update, context.bot):
            return
        verdict = self.limiter.check(self.sender_id(chat.id))
        if verdict == ADMIT:
            return
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        if verdict == WARN:
            logger.warning("A chat went over its message rate; it got the slow-down reply.")
            with contextlib.suppress(TelegramError):
                await self.send_text(context.bot, chat.id, content.text("telegram_slow_down", self.language(update)))
        raise ApplicationHandlerStop

    # ---- handlers -----------------------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        bot = context.bot
        if not self.addressed_to_bot(update, bot.username, bot.id):
            return  # group chatter not meant for the bot: not read, not kept
        text = _message(update).text or ""
        if bot.username:
            text = text.replace(f"@{bot.username}", " ").strip()
        await self.relay(update, context, text)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, context, "/greet", offline_text="telegram_start_offline")

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, context, "/help")

    async def on_resources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update, context, "/resources")

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if _chat(update).type == ChatType.PRIVATE:  # in groups, other bots' commands are not ours
            await self.relay(update, context, "/help")

    async def on_emergency(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answered here, at once: no Rasa round trip between someone in danger and the steps."""
        chat_id, language = _chat(update).id, self.language(update)
        await self.send_text(context.bot, chat_id, content.emergency_answer(language))
        await self.send_card(context.bot, chat_id, language)

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.send_text(
            context.bot,
            _chat(update).id,
            content.text("telegram_language_prompt", self.language(update)),
            buttons=[
                {"title": "English", "payload": '/set_language{"language":"en"}'},
                {"title": "Français", "payload": '/set_language{"language":"fr"}'},
            ],
        )

    async def on_privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.send_text(context.bot, _chat(update).id, content.text("telegram_privacy", self.language(update)))

    async def may_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool | None:
        """A group shares one conversation: only its admins may erase it (anyone in a private chat).
        None when Telegram couldn't say."""
        chat, message = _chat(update), update.effective_message
        if chat.type == ChatType.PRIVATE:
            return True
        if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
            return True  # an anonymous admin writes as the group itself
        user = update.effective_user
        if user is None:
            return False
        try:
            member = await self._call(context.bot.get_chat_member, chat_id=chat.id, user_id=user.id)
        except TelegramError as error:
            logger.warning("Could not check a member's status for /forget (%s).", type(error).__name__)
            return None
        return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)

    async def on_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Erase the Rasa conversation; the bridge itself keeps nothing about a chat between messages."""
        chat_id, language = _chat(update).id, self.language(update)
        allowed = await self.may_forget(update, context)
        if not allowed:
            name = "telegram_forget_failed" if allowed is None else "telegram_forget_admins_only"
            await self.send_text(context.bot, chat_id, content.text(name, language, bot=context.bot.username or ""))
            return
        sender = self.sender_id(chat_id)
        async with self.locks.hold(sender):
            erased = await self.rasa.forget(sender)
        self.chosen_languages.pop(sender, None)
        self.started.pop(sender, None)
        await self.send_text(
            context.bot, chat_id, content.text("telegram_forgotten" if erased else "telegram_forget_failed", language)
        )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:  # registered for button presses only
            return
        with contextlib.suppress(TelegramError):
            await query.answer()  # always first: stops the spinner on the user's button
        if query.message is None or update.effective_chat is None:
            return
        language = self.language(update)
        # Only data this bridge signed for this chat: a modified client can put anything in callback_data.
        payload = self.codec.decode(query.data, self.sender_id(update.effective_chat.id))
        if payload is None:
            await self.send_text(
                context.bot, update.effective_chat.id, content.text("telegram_button_expired", language)
            )
            return
        title = self.pressed_title(query.message, query.data) or payload
        self.remember_language(update.effective_chat.id, payload)
        language = self.language(update)
        await self.send_text(
            context.bot, update.effective_chat.id, content.text("telegram_choice", language, title=title)
        )
        await self.relay(update, context, payload)

    @staticmethod
    def pressed_title(message: Any, data: str | None) -> str | None:
        markup = getattr(message, "reply_markup", None)
        for row in markup.inline_keyboard if markup else ():
            for button in row:
                if button.callback_data == data:
                    return button.text
        return None

    async def _reply_if_addressed(self, update: Update, context: ContextTypes.DEFAULT_TYPE, name: str) -> None:
        if self.addressed_to_bot(update, context.bot.username, context.bot.id):
            await self.send_text(context.bot, _chat(update).id, content.text(name, self.language(update)))

    async def on_voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._reply_if_addressed(update, context, "telegram_voice")

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._reply_if_addressed(update, context, "telegram_location")

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.new_chat_members or message.left_chat_member or message.pinned_message:
            return  # service messages in groups
        await self._reply_if_addressed(update, context, "telegram_media")

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            await self.send_text(
                context.bot, update.effective_chat.id, content.text("telegram_edited", self.language(update))
            )

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the kind of error only (never the update: it holds the user's text and ids); tell the user."""
        logger.error("Handling an update failed: %s", type(context.error).__name__)
        if isinstance(update, Update) and update.effective_chat and not isinstance(context.error, RetryAfter):
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(
                    update.effective_chat.id, content.text("bot_unreachable", self.language(update))
                )
