"""Browser tests: the real bot (action server + Rasa with --cors for the test pages), the web server
(bot/web/server.py) on two free ports — the demo page and a "community site" on another origin — and Debian's
headless Chromium driven by Playwright. No browser download, no internet: Chromium runs with its background
networking off, and the quick exit's neutral site is answered by the test itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.web import server as web
from ops.services import BotServices, free_port, web_origins
from tests.support.browser import EXIT_URL, Site
from tests.support.repo import ROOT

MODEL = ROOT / "models" / "gsdoa.tar.gz"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def site():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    demo_port, embed_port, other_port = free_port(), free_port(), free_port()
    os.environ.pop("TELEGRAM_BOT_USERNAME", None)
    os.environ.pop("WEB_ALLOWED_ORIGINS", None)
    telegram = web.telegram_url("gsdoa_demo_bot")
    origins = web_origins(demo_port, embed_port)  # as `make run`: Rasa's --cors and the frame's frame-ancestors
    with BotServices(model=MODEL, cors=origins) as services:
        servers = [
            web.start(demo_port, web.Site("demo", services.base_url, telegram, "en", demo=True, origins=origins)),
            web.start(
                embed_port, web.Site("embed-example", services.base_url, telegram, "en", demo=False, origins=origins)
            ),
            web.start(
                other_port, web.Site("embed-example", services.base_url, telegram, "en", demo=False, origins=origins)
            ),
        ]
        try:
            yield Site(services, demo_port, embed_port, other_port)
        finally:
            for running in servers:
                running.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make browser-tools` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # The quick exit leaves for a neutral site; answer it here (the machine has no internet).
    context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><h1>Neutral</h1>"
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    # What the chat sent to the bot (from any frame of the page): path and JSON body, in order.
    page.rest_calls = []
    page.on(
        "request",
        lambda request: (
            page.rest_calls.append((request.url.split("/webhooks/rest", 1)[1], request.post_data_json))
            if "/webhooks/rest/" in request.url and request.method == "POST"
            else None
        ),
    )
    yield page
    context.close()
