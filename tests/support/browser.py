"""Constants and the test site of the browser tests (fixtures: tests/web/conftest.py)."""

from __future__ import annotations

from ops.services import BotServices
from tests.support.repo import ROOT

AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
EXIT_URL = "https://www.google.ca/"  # the quick exit's neutral site, answered by the page fixture (no internet)


class Site:
    """The bot and its three web origins: the demo page (the bot's own web origin), the allowed community page
    and the same page on an origin that is not allowed."""

    def __init__(self, services: BotServices, demo_port: int, embed_port: int, other_port: int) -> None:
        self.services = services
        self.demo = f"http://localhost:{demo_port}"
        self.embed = f"http://127.0.0.1:{embed_port}"
        self.other = f"http://127.0.0.1:{other_port}"  # the same community page on an origin NOT allowed

    def embed_page(self, widget: str | None = None, host: str | None = None, extra: str = "") -> str:
        """The cross-origin community page (`host`, default the allowed embed origin) with the widget's loader from
        `widget` (default the demo origin, i.e. the bot's web origin)."""
        return f"{host or self.embed}/?widget={widget or self.demo}/widget/{extra}"
