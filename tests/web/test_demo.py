"""The outreach demo page (served by bot/web/server.py) in headless Chromium, against the real bot."""
import json
import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import AXE, SCREENSHOTS

pytestmark = [pytest.mark.servers, pytest.mark.browser]


def ready(page, site):
    page.goto(site.demo + "/")
    expect(page.locator("body[data-widget='ready']")).to_be_attached(timeout=30_000)
    expect(page.locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)


def test_scenario_buttons_talk_to_the_bot(site, page):
    ready(page, site)
    expectations = {"overdose": "Call 911", "probation": "probation", "naloxone": "aloxone",
                    "not-covered": "not", "trafficking": "traffick"}
    for scenario, expected in expectations.items():
        before = page.locator(".gsdoa-msg.gsdoa-bot").count()
        page.click(f"[data-scenario='{scenario}']")
        bot = page.locator(".gsdoa-msg.gsdoa-bot")
        expect(bot).not_to_have_count(before, timeout=30_000)
        expect(bot.nth(before).locator(".gsdoa-text")).to_contain_text(expected, ignore_case=True, timeout=30_000)
    assert page.js_errors == []


def test_reset_starts_a_new_conversation(site, page):
    ready(page, site)
    page.click("[data-scenario='probation']")
    expect(page.locator(".gsdoa-msg.gsdoa-user")).to_have_count(1)
    sender = page.evaluate("sessionStorage.getItem('gsdoa.sender')")
    page.click("#demo-reset")
    expect(page.locator(".gsdoa-msg.gsdoa-user")).to_have_count(0, timeout=30_000)
    assert page.evaluate("sessionStorage.getItem('gsdoa.sender')") != sender


def test_qr_code_is_drawn_locally_and_opens_the_telegram_bot(site, page):
    ready(page, site)
    qr = page.locator("#demo-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src") == "/qr.svg"
    assert page.evaluate("document.querySelector('#demo-qr').naturalWidth") > 0
    reply = page.request.get(site.demo + "/qr.svg")
    assert reply.ok and reply.headers["content-type"].startswith("image/svg+xml") and b"<svg" in reply.body()
    expect(page.locator(".demo-telegram-link")).to_have_attribute("href", "https://t.me/gsdoa_demo_bot")


def test_printable_handout(site, page):
    ready(page, site)
    expect(page.locator("#handout")).to_be_hidden()
    page.emulate_media(media="print")
    handout = page.locator("#handout")
    expect(handout).to_be_visible()
    text = handout.inner_text()
    for needed in ("911", "1-888-688-6677", "9-8-8", "naloxone", "possession", "trafficking", "R. v. Wilson"):
        assert needed.lower() in text.lower(), needed
    expect(page.locator("#gsdoa-panel")).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOTS / "handout.pdf"), format="Letter", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the handout prints on {pages} pages"
    page.emulate_media(media="screen")


def test_demo_page_accessibility_and_screenshots(site, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        ready(page, site)
        page.screenshot(path=str(SCREENSHOTS / f"demo-{width}.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        (SCREENSHOTS / f"axe-demo-{width}.json").write_text(json.dumps(
            {"violations": [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]],
             "passes": len(result["passes"])}, indent=1))
        serious = [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (width, serious)
        page.evaluate("sessionStorage.clear()")


def test_the_demo_makes_no_request_outside_this_machine(site, page):
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    ready(page, site)
    page.click("[data-scenario='naloxone']")
    expect(page.locator(".gsdoa-msg.gsdoa-user")).to_have_count(1)
    page.wait_for_timeout(1000)
    assert outside == []
