"""Offline harness for the Telegram bridge tests: the fake Telegram Bot API (ops/fake_telegram.py) + a fake Rasa
REST channel, both on loopback, the real bridge (PTB Application) pointed at them, and the real nginx with the
cluster's configuration. No network, no token. Fixtures using them: tests/bot/telegram/conftest.py."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from aiohttp import web
from telegram import Update

from bot.telegram.bridge import TelegramBridge
from bot.telegram.settings import Settings
from ops.fake_telegram import FakeTelegram, Updates

TOKEN = "123456:TEST-token-not-real"


class FakeRasa:
    """Rasa's REST channel as the bridge sees it; `reply` decides the answer to each message."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.forgotten: list[str] = []
        self.delay = 0.0
        self.reply: Callable[[dict[str, Any]], list[dict[str, Any]]] = lambda body: [
            {"text": f"echo {body['message']}"}
        ]
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> FakeRasa:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._message)
        app.router.add_post("/webhooks/rest/forget", self._forget)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def _message(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.json_response(self.reply(body))

    async def _forget(self, request: web.Request) -> web.Response:
        self.forgotten.append((await request.json())["sender"])
        return web.json_response({"erased": True})

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


class Harness:
    def __init__(self, telegram: FakeTelegram, rasa: FakeRasa, bridge: TelegramBridge) -> None:
        self.telegram, self.rasa, self.bridge = telegram, rasa, bridge
        self.app = bridge.build_application()
        self.updates = Updates()

    async def feed(self, update: dict[str, Any]) -> None:
        """Hand one update to the application, as the webhook or polling updater would."""
        await self.app.process_update(Update.de_json(update, self.app.bot))


def settings_for(telegram: FakeTelegram, rasa_url: str, **overrides: Any) -> Settings:
    # The per-chat rate limit is out of the way here (tests feed updates back to back); test_limits.py checks
    # the shipped defaults.
    values = dict(
        token=TOKEN,
        rasa_url=rasa_url,
        rasa_timeout=2.0,
        sender_key=b"k" * 32,
        api_base_url=telegram.url,
        chat_rate=1000.0,
        chat_burst=1000,
    )
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_nginx(rasa_ports: list[int], rate: int = 1, burst: int = 1) -> AsyncIterator[dict[str, str]]:
    """The real nginx with the cluster's configuration (ops.cluster.render_nginx) in front of `rasa_ports`:
    {"public": url, "private": url (the Telegram bridge's server), "config": text}."""
    from ops.cluster import nginx_command, nginx_home, render_nginx, require_binaries
    from ops.services import free_port, stop_process_group

    require_binaries()
    home = nginx_home()
    port, private_port = free_port(), free_port()
    run_dir = home / "run"
    run_dir.mkdir(mode=0o755)
    config = home / "nginx.conf"
    config.write_text(
        render_nginx(
            port,
            rasa_ports,
            run_dir,
            home / "error.log",
            rate=rate,
            burst=burst,
            widget_dir=home / "widget",
            private_port=private_port,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(nginx_command(run_dir, config, home / "startup.log"), start_new_session=True)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in range(200):
                try:
                    await client.get(f"http://127.0.0.1:{port}/health")
                    await client.get(f"http://127.0.0.1:{private_port}/")
                    break
                except httpx.TransportError:
                    assert process.poll() is None, (home / "startup.log").read_text()
                    await asyncio.sleep(0.05)
        yield {
            "public": f"http://127.0.0.1:{port}",
            "private": f"http://127.0.0.1:{private_port}",
            "config": config.read_text(encoding="utf-8"),
        }
    finally:
        stop_process_group(process)
        shutil.rmtree(home, ignore_errors=True)
