"""Constants of the browser tests (fixtures: tests/web/conftest.py)."""
from tests.support.repo import ROOT

AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
EXIT_URL = "https://www.google.ca/"  # the quick exit's neutral site, answered by the page fixture (no internet)
