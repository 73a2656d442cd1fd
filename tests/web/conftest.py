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
from tests.conftest import ROOT

MODEL = ROOT / "models" / "gsdoa.tar.gz"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
EXIT_URL = "https://www.google.ca/"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]


class Site:
    def __init__(self, services: BotServices, demo_port: int, embed_port: int) -> None:
        self.services = services
        self.demo = f"http://localhost:{demo_port}"
        self.embed = f"http://127.0.0.1:{embed_port}"

    def embed_page(self, server: str | None = None) -> str:
        """The cross-origin community page, with the widget from the demo origin talking to `server`."""
        return f"{self.embed}/?widget={self.demo}/widget/&server={server or self.services.base_url}"


@pytest.fixture(scope="session")
def site():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    demo_port, embed_port = free_port(), free_port()
    os.environ.pop("TELEGRAM_BOT_USERNAME", None)
    telegram = web.telegram_url("gsdoa_demo_bot")
    with BotServices(model=MODEL, cors=web_origins(demo_port, embed_port)) as services:
        servers = [web.start(demo_port, web.Site("demo", services.base_url, telegram, "en", demo=True)),
                   web.start(embed_port, web.Site("embed-example", services.base_url, telegram, "en", demo=False))]
        try:
            yield Site(services, demo_port, embed_port)
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
    context.route(f"{EXIT_URL}**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                body="<title>Weather</title><h1>Neutral</h1>"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()
