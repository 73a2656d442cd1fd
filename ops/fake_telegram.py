"""A fake Telegram Bot API server on loopback, for offline tests and the bridge benchmark.

It answers the Bot API methods the bridge uses, records every call (method + parameters), serves queued
updates to getUpdates (long polling), and can be told to fail the next calls of a method (e.g. 429 with
retry_after) to exercise retries. Point PTB at it with `base_url=f"{fake.url}/bot"`. No network, no token.
Also builds Update JSON like Telegram sends (text, commands, buttons, stickers, voice, …).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 4242000001,
    "is_bot": True,
    "first_name": "GSDOA guide",
    "username": "gsdoa_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
SENT_METHODS = {"sendMessage", "sendPhoto"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[dict[str, Any]]] = {}
        self.members: dict[tuple[int, int], str] = {}  # (chat id, user id) -> status for getChatMember
        self._changed = asyncio.Condition()
        self._message_ids = itertools.count(1000)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ---- lifecycle ----------------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeTelegram:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        port = self._runner.addresses[0][1]  # the port the OS chose when asked for 0
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # ---- test controls ------------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str = "Too Many Requests: retry after 1",
        raw: bytes | None = None,
    ) -> None:
        """The next `times` calls of `method` fail: Telegram's error JSON with `status` and `description`, or
        `raw` as the whole body (e.g. something that isn't JSON, as a broken proxy would answer)."""
        self._failures.setdefault(method, []).extend(
            [{"status": status, "retry_after": retry_after, "description": description, "raw": raw}] * times
        )

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember answers: creator, administrator, member (the default), restricted, left, kicked."""
        self.members[(int(chat_id), int(user_id))] = status

    async def queue_update(self, update: dict[str, Any]) -> None:
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    def called(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """sendMessage and sendPhoto calls, in order."""
        return [
            c
            for c in self.calls
            if c.method in SENT_METHODS and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [c.params.get("text", "") for c in self.sent(chat_id) if c.method == "sendMessage"]

    async def wait_for(self, predicate, timeout: float = 30.0) -> list[Call]:
        """Wait until predicate(calls) is true; returns the calls (raises TimeoutError otherwise)."""

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self.calls))

        await asyncio.wait_for(until(), timeout)
        return self.calls

    async def wait_sent(self, chat_id: int, count: int, timeout: float = 30.0) -> list[Call]:
        await self.wait_for(lambda calls: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    # ---- the Bot API --------------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    params[key] = {"filename": value.filename, "bytes": len(value.file.read())}
                    continue
                if isinstance(value, str) and value[:1] in "[{":
                    with contextlib.suppress(ValueError):  # not JSON after all: kept as the string
                        value = json.loads(value)
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            self.calls.append(Call(method + "!failed", params))
            if failure["raw"] is not None:
                return web.Response(body=failure["raw"], status=failure["status"], content_type="application/json")
            body = {"ok": False, "error_code": failure["status"], "description": failure["description"]}
            if failure["status"] == 429:
                body["parameters"] = {"retry_after": failure["retry_after"]}
            return web.json_response(body, status=failure["status"])
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        async with self._changed:
            self.calls.append(Call(method, params))
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 5.0)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset]

        async with self._changed:
            if not pending() and timeout:
                with contextlib.suppress(asyncio.TimeoutError):  # long poll ended empty
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), timeout)
            return pending()[:100]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendPhoto"}:
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            }
            if method == "sendMessage":
                message["text"] = params.get("text", "")
            else:
                message["photo"] = [{"file_id": "photo1", "file_unique_id": "p1", "width": 1080, "height": 1400}]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getChatMember":
            return self._member(int(params.get("chat_id", 0)), int(params.get("user_id", 0)))
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        status = self.members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "A"}}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
        elif status == "restricted":
            member.update({"is_member": True, "until_date": 0, "can_send_messages": True})
        elif status == "kicked":
            member["until_date"] = 0
        return member


class Updates:
    """Update JSON as Telegram sends it."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    @staticmethod
    def chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
        return {"id": chat_id, "type": kind, **({"title": "Group"} if kind != "private" else {"first_name": "A"})}

    @staticmethod
    def user(user_id: int, language: str = "en") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Alex", "language_code": language}

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        kind: str = "private",
        language: str = "en",
        user_id: int | None = None,
        key: str = "message",
        **fields: Any,
    ) -> dict[str, Any]:
        update_id = next(self._ids)
        message: dict[str, Any] = {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id, kind),
            "from": self.user(user_id or chat_id, language),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if key == "edited_message":
            message["edit_date"] = int(time.time())
        message.update(fields)
        return {"update_id": update_id, key: message}

    def button(
        self,
        chat_id: int,
        data: str,
        markup: dict[str, Any] | None = None,
        language: str = "en",
        kind: str = "private",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        update_id = next(self._ids)
        message = {
            "message_id": 900000 + update_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": self.chat(chat_id, kind),
            "text": "…",
        }
        if markup:
            message["reply_markup"] = markup
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"cq{update_id}",
                "from": self.user(user_id or chat_id, language),
                "chat_instance": "ci",
                "data": data,
                "message": message,
            },
        }

    def sticker(self, chat_id: int, **options: Any) -> dict[str, Any]:
        return self.message(
            chat_id,
            **options,
            sticker={
                "file_id": "s1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        )

    def voice(self, chat_id: int, **options: Any) -> dict[str, Any]:
        return self.message(chat_id, **options, voice={"file_id": "v1", "file_unique_id": "v1", "duration": 3})

    def location(self, chat_id: int, **options: Any) -> dict[str, Any]:
        return self.message(chat_id, **options, location={"latitude": 49.28, "longitude": -123.12})

    def photo(self, chat_id: int, **options: Any) -> dict[str, Any]:
        return self.message(
            chat_id, **options, photo=[{"file_id": "f1", "file_unique_id": "f1", "width": 90, "height": 90}]
        )

    def document(self, chat_id: int, **options: Any) -> dict[str, Any]:
        return self.message(
            chat_id, **options, document={"file_id": "d1", "file_unique_id": "d1", "file_name": "x.pdf"}
        )
