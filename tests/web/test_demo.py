"""The outreach demo page (served by bot/web/server.py) in headless Chromium, against the real bot."""

import json
import re

import pytest
from playwright.sync_api import expect

from bot.web import server as web
from ops.services import free_port
from tests.support.browser import AXE, SCREENSHOTS

pytestmark = [pytest.mark.servers, pytest.mark.browser]


def chat(page):
    """The chat, in its frame (widget/frame.html of the demo's own origin)."""
    return page.frame_locator("#gsdoa-frame")


NBSP = "\u00a0"
FRENCH_SCENARIOS = {  # data-scenario: (button label, message sent to the bot, expected in the bot's answer)
    "overdose": (
        "Quelqu'un fait une surdose en ce moment",
        "mon ami fait une surdose pis y se réveille pas",
        "Appelez le 911",
    ),
    "probation": (
        "Suis-je protégé si je suis en probation?",
        "suis-je protégé si j'appelle le 911 pendant ma probation?",
        "probation",
    ),
    "naloxone": ("Où trouver de la naloxone?", "où trouver de la naloxone?", "naloxone"),
    "not-covered": ("Qu'est-ce qui n'est pas couvert?", "qu'est-ce que la loi ne couvre pas?", "possession simple"),
    "search": (
        "La police peut-elle me fouiller?",
        "la police peut-elle me fouiller lors d'un appel pour une surdose?",
        "police",
    ),
    "trafficking": ("Et le trafic?", "la loi me protège-t-elle contre une accusation de trafic?", "trafic"),
}


@pytest.fixture(scope="module")
def french_demo(site):
    """A demo server as a French deployment runs it (`--lang fr`: its config.json says "fr")."""
    port = free_port()
    server = web.start(
        port, web.Site("demo", site.services.base_url, web.telegram_url("gsdoa_demo_bot"), "fr", demo=True)
    )
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def in_french(page, site, french_demo):
    """The demo page with the French server's /config.json. The page itself still comes from the usual demo origin:
    Rasa's CORS lets only that one in, and Chromium won't let a page it didn't load over the network (a routed
    one) call the bot on loopback."""
    config = page.request.get(french_demo + "/config.json")
    assert config.json()["lang"] == "fr"
    page.context.route(f"{site.demo}/config.json", lambda route: route.fulfill(response=config))


def ready(page, site):
    page.goto(site.demo + "/")
    expect(page.locator("body[data-widget='ready']")).to_be_attached(timeout=30_000)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)


def print_handout(page):
    """The handout's text as printed (print media), back to screen media afterwards."""
    page.emulate_media(media="print")
    handout = page.locator("#handout")
    expect(handout).to_be_visible()
    text = handout.inner_text()
    page.emulate_media(media="screen")
    return text


def one_page_pdf(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(SCREENSHOTS / name), format="Letter", print_background=True)
    page.emulate_media(media="screen")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"{name} prints on {pages} pages"


def test_scenario_buttons_talk_to_the_bot(site, page):
    ready(page, site)
    expectations = {
        "overdose": "Call 911",
        "probation": "probation",
        "naloxone": "aloxone",
        "not-covered": "not",
        "trafficking": "traffick",
    }
    for scenario, expected in expectations.items():
        before = chat(page).locator(".gsdoa-msg.gsdoa-bot").count()
        page.click(f"[data-scenario='{scenario}']")
        bot = chat(page).locator(".gsdoa-msg.gsdoa-bot")
        expect(bot).not_to_have_count(before, timeout=30_000)
        expect(bot.nth(before).locator(".gsdoa-text")).to_contain_text(expected, ignore_case=True, timeout=30_000)
    assert page.js_errors == []


def test_reset_starts_a_new_conversation(site, page):
    forgotten = []
    page.on(
        "request", lambda r: forgotten.append(r.post_data_json) if r.url.endswith("/webhooks/rest/forget") else None
    )
    senders = []
    page.on(
        "request", lambda r: senders.append(r.post_data_json["sender"]) if r.url.endswith("/rest/webhook") else None
    )
    ready(page, site)
    page.click("[data-scenario='probation']")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(1)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot")).not_to_have_count(1, timeout=30_000)
    sender = senders[-1]
    page.click("#demo-reset")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(0, timeout=30_000)
    expect(chat(page).locator(".gsdoa-info")).to_have_text("Conversation deleted.", timeout=30_000)
    assert forgotten == [{"sender": sender}] and senders[-1] != sender


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
    for needed in (
        "Call 911",
        "Nunavut",
        "naloxone",
        "whatever they took",
        "recovery position",
        "door unlocked",
        "simple possession",
        "no arrest",
        "R. v. Wilson",
        "trafficking",
        "Outstanding warrants",
        "1-888-688-6677",
        "9-8-8",
        "1-866-277-3553",
        "Hope for Wellness",
        "1-855-242-3310",
        "not legal advice",
    ):
        assert needed.lower() in text.lower(), needed
    for french in ("Appelez", "possession simple", "Cour suprême"):  # only the English version prints
        assert french not in text, french
    expect(page.locator("#gsdoa-frame")).to_be_hidden()  # the chat isn't printed
    expect(page.locator(".handout[lang='en'] .handout-qr")).to_be_visible()
    page.emulate_media(media="screen")
    one_page_pdf(page, "handout.pdf")


def test_french_demo_page(site, page, french_demo):
    """config.json says "fr": French page, French scenarios (sent in French, answered in French), French widget."""
    in_french(page, site, french_demo)
    ready(page, site)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title(re.compile("surdose"))
    expect(page.locator(".demo-side h1")).to_have_text("Aide en cas de surdose et Loi sur les bons samaritains")
    expect(page.locator("#demo-try")).to_have_text("Essayez une question")
    expect(page.locator(".demo-911 a[href='tel:911']")).to_have_text("Appelez le 911")
    expect(page.locator("#demo-reset")).to_have_text("Recommencer la conversation")
    expect(page.locator("#demo-print")).to_have_text("Imprimer l'aide-mémoire")
    expect(page.locator("#demo-phone-title")).to_have_text("Continuez sur votre téléphone")
    expect(page.locator("#demo-qr")).to_have_attribute("alt", f"Code QR{NBSP}: ouvrir l'assistant dans Telegram")
    expect(page.locator(".demo-note")).to_have_text("Information générale, pas un conseil juridique.")
    expect(page.locator("#demo-chat")).to_have_attribute("aria-label", "Clavardage")
    expect(chat(page).locator("html")).to_have_attribute("lang", "fr")
    expect(chat(page).locator(".gsdoa-send")).to_have_text("Envoyer")
    assert "pas une personne" in chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").first.inner_text()
    for scenario, (label, message, expected) in FRENCH_SCENARIOS.items():
        button = page.locator(f"[data-scenario='{scenario}']")
        expect(button).to_have_text(label)
        before = chat(page).locator(".gsdoa-msg.gsdoa-bot").count()
        button.click()
        expect(chat(page).locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text(message)
        bot = chat(page).locator(".gsdoa-msg.gsdoa-bot")
        expect(bot).not_to_have_count(before, timeout=30_000)
        expect(bot.nth(before).locator(".gsdoa-text")).to_contain_text(expected, ignore_case=True, timeout=30_000)
    assert page.js_errors == []


def test_the_error_text_follows_the_language(site, page, french_demo):
    in_french(page, site, french_demo)
    page.context.route(f"{site.demo}/widget/widget.js", lambda route: route.abort())
    page.goto(site.demo + "/")
    expect(page.locator("body[data-widget='error']")).to_be_attached(timeout=30_000)
    expect(page.locator("#demo-status")).to_have_text(
        "Le clavardage n'a pas pu être chargé. 🚨 Surdose? Appelez le 911."
    )
    expect(page.locator("[data-scenario='overdose']")).to_be_disabled()


def test_the_widget_language_button_switches_the_page(site, page):
    ready(page, site)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#demo-try")).to_have_text("Try a question")
    chat(page).locator(".gsdoa-lang").click()  # FR
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(chat(page).locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".demo-side h1")).to_have_text("Aide en cas de surdose et Loi sur les bons samaritains")
    expect(page.locator("#demo-try")).to_have_text("Essayez une question")
    expect(page.locator("#demo-print")).to_have_text("Imprimer l'aide-mémoire")
    expect(page.locator("#demo-qr")).to_have_attribute("alt", re.compile("^Code QR"))
    expect(page).to_have_title(re.compile("surdose"))
    for scenario, (label, message, _) in FRENCH_SCENARIOS.items():
        expect(page.locator(f"[data-scenario='{scenario}']")).to_have_text(label)
        expect(page.locator(f"[data-scenario='{scenario}']")).to_have_attribute("data-message", message)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").last).to_contain_text("français", timeout=30_000)
    page.click("[data-scenario='trafficking']")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text(
        FRENCH_SCENARIOS["trafficking"][1]
    )
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").last).to_contain_text("trafic", timeout=30_000)
    chat(page).locator(".gsdoa-lang").click()  # EN
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".demo-side h1")).to_have_text("Overdose help & the Good Samaritan Act")
    expect(page.locator("[data-scenario='overdose']")).to_have_attribute(
        "data-message", "my friend is overdosing and won't wake up"
    )
    expect(page).to_have_title("Overdose help chat — outreach demo")
    page.click("[data-scenario='overdose']")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).not_to_have_count(0)
    page.reload()  # nothing is remembered: the next person gets the page's language and an empty chat
    expect(page.locator("body[data-widget='ready']")).to_be_attached(timeout=30_000)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(0)
    assert page.js_errors == []


def test_the_handout_prints_in_the_chosen_language(site, page):
    ready(page, site)
    english = print_handout(page)
    assert "Call 911" in english and "Appelez" not in english
    chat(page).locator(".gsdoa-lang").click()  # FR
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    french = print_handout(page)
    for needed in (
        "Appelez le 911",
        "Nunavut",
        "GRC",
        "naloxone",
        "quoi que la personne ait pris",
        "soufflez dans sa bouche",
        "position latérale de sécurité (sur le côté)",
        "porte déverrouillée",
        "possession simple",
        f"R.{NBSP}c.{NBSP}Wilson",
        f"2025{NBSP}CSC{NBSP}32",
        "liberté provisoire",
        "ordonnance de sursis",
        "libération conditionnelle",
        "mandats non exécutés",
        "trafic",
        "1-888-688-6677",
        "Service national d'intervention en cas de surdose",
        "anglais seulement",
        "9-8-8",
        "1-866-277-3553",
        "Ligne d'écoute d'espoir pour le mieux-être",
        "1-855-242-3310",
        "Santé Canada",
        "pas un conseil juridique",
    ):
        assert needed in french, needed
    for english_only in ("Call 911", "simple possession", "Supreme Court", "Help lines"):
        assert english_only not in french, english_only
    one_page_pdf(page, "handout-fr.pdf")
    chat(page).locator(".gsdoa-lang").click()  # EN again
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "Appelez" not in print_handout(page)


def test_the_french_handout_uses_non_breaking_spaces(site, page, french_demo):
    in_french(page, site, french_demo)
    ready(page, site)
    french = print_handout(page)
    assert "Appelez le 911" in french
    # Every colon (and « ») has a non-breaking space inside; no ordinary space or line break can stand there.
    assert french.count(":") >= 5
    assert re.findall(r"[^\u00a0]:", french) == [], re.findall(r".{20}[^\u00a0]:", french)
    assert re.findall(r"«[^\u00a0]|[^\u00a0]»", french) == []
    for together in (f"2{NBSP}à{NBSP}3{NBSP}minutes", f"24{NBSP}h", f"5{NBSP}secondes"):
        assert together in french, together
    # The same in the HTML itself (text and alt attributes), whatever is shown.
    source = page.evaluate("document.querySelector(\".handout[lang='fr']\").innerHTML")
    assert re.findall(r"[ \n]:", source.replace("&nbsp;", NBSP)) == []
    assert page.js_errors == []


def test_demo_page_accessibility_and_screenshots(site, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        ready(page, site)
        page.screenshot(path=str(SCREENSHOTS / f"demo-{width}.png"), full_page=True)
        check_axe(page, f"demo-{width}")
        check_axe(page.wait_for_selector("#gsdoa-frame").content_frame(), f"demo-frame-{width}")


def test_french_demo_page_accessibility_and_screenshot(site, page, french_demo):
    in_french(page, site, french_demo)
    ready(page, site)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "demo-fr-1280.png"), full_page=True)
    check_axe(page, "demo-fr-1280")
    check_axe(page.wait_for_selector("#gsdoa-frame").content_frame(), "demo-fr-frame-1280")


def check_axe(target, name):
    """axe-core in the demo page or in the chat frame (evaluated through DevTools: the CSP allows no inline script).
    Each document is audited on its own (iframes: false)."""
    target.evaluate(AXE.read_text(encoding="utf-8"))
    result = target.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], iframes: false})"
    )
    (SCREENSHOTS / f"axe-{name}.json").write_text(
        json.dumps(
            {
                "violations": [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]],
                "passes": len(result["passes"]),
            },
            indent=1,
        )
    )
    assert result["violations"] == [], (name, [(v["id"], v["impact"]) for v in result["violations"]])


def test_the_demo_makes_no_request_outside_this_machine(site, page):
    outside, console = [], []
    page.on("console", lambda message: console.append(message.text))
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            else None
        ),
    )
    ready(page, site)
    page.click("[data-scenario='naloxone']")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(1)
    page.wait_for_timeout(1000)
    assert outside == []
    # The page and the chat run under their CSPs (bot/web/server.py) without a single refused resource.
    assert page.request.get(site.demo + "/").headers["content-security-policy"].startswith("default-src 'self'")
    assert [line for line in console if "Content Security Policy" in line] == []
