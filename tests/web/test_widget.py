"""The widget on a community site of another origin, in headless Chromium, against the real bot."""
import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import AXE, EXIT_URL, SCREENSHOTS

pytestmark = [pytest.mark.servers, pytest.mark.browser]
REST = "**/webhooks/rest/webhook"


def open_widget(page, url):
    page.goto(url)
    page.click("#gsdoa-launcher")
    expect(page.locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)  # the greeting


def last_bot_text(page):
    return page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").last


def send(page, text):
    before = page.locator(".gsdoa-msg.gsdoa-bot").count()
    page.fill("#gsdoa-input", text)
    page.click(".gsdoa-send")
    expect(page.locator(".gsdoa-msg.gsdoa-bot")).not_to_have_count(before, timeout=30_000)


def test_widget_on_another_origin_answers_an_overdose_with_911_first(site, page):
    open_widget(page, site.embed_page())
    assert page.evaluate("location.origin") != site.services.base_url  # really cross-origin (CORS)
    expect(page.locator(".gsdoa-911 a[href='tel:911']")).to_be_visible()
    greeting = page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").first.inner_text()
    assert "not a person" in greeting
    send(page, "my friend is overdosing and wont wake up")
    first_reply = page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(1).inner_text()
    assert first_reply.startswith("🚨 Call 911")
    assert page.context.cookies() == [] and page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.getItem('gsdoa.sender')").startswith("web-")
    assert page.js_errors == []


def test_quick_reply_sends_its_payload_and_shows_its_title(site, page):
    open_widget(page, site.embed_page())
    button = page.locator(".gsdoa-quick-replies button", has_text="Am I protected if I call 911?")
    button.click()
    expect(page.locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text("Am I protected if I call 911?")
    expect(last_bot_text(page)).to_contain_text("1/4", timeout=30_000)


def test_french_page_gets_a_french_widget_and_the_language_button_switches_both(site, page):
    """data-lang (here from the page) sets the interface and the bot's first guess; FR/EN switches both."""
    open_widget(page, site.embed_page() + "&lang=fr")
    expect(page.locator(".gsdoa-send")).to_have_text("Envoyer")
    assert "pas une personne" in page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").first.inner_text()
    send(page, "mon ami respire presque pu")
    assert page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(1).inner_text().startswith("🚨 Appelez le 911")
    before = page.locator(".gsdoa-msg.gsdoa-bot").count()
    page.click(".gsdoa-lang")
    expect(page.locator(".gsdoa-send")).to_have_text("Send")
    expect(page.locator(".gsdoa-root")).to_have_attribute("lang", "en")
    expect(page.locator(".gsdoa-msg.gsdoa-bot")).not_to_have_count(before, timeout=30_000)
    # the bot confirms, then says its last answer (the emergency steps) again in English
    expect(page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(before)).to_contain_text("answer in English")
    expect(page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(before + 1)).to_contain_text("Call 911")
    assert page.evaluate("sessionStorage.getItem('gsdoa.lang')") == "en"
    assert page.js_errors == []


def test_keyboard_only_conversation(site, page):
    page.goto(site.embed_page())
    for _ in range(30):  # Tab to the launcher like a keyboard user
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "gsdoa-launcher":
            break
    assert page.evaluate("document.activeElement.id") == "gsdoa-launcher"
    page.keyboard.press("Enter")
    expect(page.locator("#gsdoa-input")).to_be_focused()
    expect(page.locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
    page.keyboard.type("where can i get naloxone")
    page.keyboard.press("Enter")
    expect(last_bot_text(page)).to_contain_text("aloxone", timeout=30_000)
    expect(page.locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text("where can i get naloxone")
    page.keyboard.press("Escape")
    expect(page.locator("#gsdoa-panel")).to_be_hidden()
    expect(page.locator("#gsdoa-launcher")).to_be_focused()


def test_quick_exit_leaves_and_wipes_the_conversation(site, page):
    open_widget(page, site.embed_page())
    send(page, "can police arrest me")
    old_sender = page.evaluate("sessionStorage.getItem('gsdoa.sender')")
    page.click(".gsdoa-exit")
    page.wait_for_url(f"{EXIT_URL}**")
    assert page.title() == "Weather"
    page.go_back()  # location.replace: Back does not return to the conversation
    assert page.url.startswith("about:") or page.url == EXIT_URL
    page.goto(site.embed_page())  # same tab, same origin: nothing of the old conversation is left
    assert page.evaluate("sessionStorage.getItem('gsdoa.log')") in (None, "[]")
    assert page.evaluate("sessionStorage.getItem('gsdoa.sender')") != old_sender
    assert page.locator(".gsdoa-msg").count() == 0


def test_double_escape_is_a_quick_exit_too(site, page):
    open_widget(page, site.embed_page())
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{EXIT_URL}**")


def test_delete_conversation_erases_it_on_the_server_and_the_page(site, page):
    open_widget(page, site.embed_page())
    page.locator(".gsdoa-quick-replies button", has_text="Am I protected if I call 911?").click()
    expect(last_bot_text(page)).to_contain_text("1/4", timeout=30_000)
    old_sender = page.evaluate("sessionStorage.getItem('gsdoa.sender')")
    with page.expect_response("**/webhooks/rest/forget") as forget:
        page.click(".gsdoa-delete")
    assert forget.value.json() == {"erased": True}
    expect(page.locator(".gsdoa-msg.gsdoa-user")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('gsdoa.sender')") != old_sender
    send(page, "yes")
    assert "2/4" not in last_bot_text(page).inner_text()


def test_server_stopped_gives_911_and_nors_then_recovers(site, page):
    open_widget(page, site.embed_page())
    page.route(REST, lambda route: route.abort("connectionrefused"))  # as if Rasa were stopped
    page.fill("#gsdoa-input", "can i get in trouble for calling 911")
    page.click(".gsdoa-send")
    notice = page.locator(".gsdoa-notice")
    expect(notice).to_be_visible(timeout=20_000)
    assert "911" in notice.inner_text() and "1-888-688-6677" in notice.inner_text()
    expect(page.locator(".gsdoa-typing")).to_have_text("")  # no endless spinner
    page.unroute(REST)  # the server is back: the queued message goes through
    expect(notice).to_be_hidden(timeout=40_000)
    expect(last_bot_text(page)).to_contain_text("possession", timeout=30_000)


def test_unreachable_server_address_gives_the_offline_message(site, page):
    from ops.services import free_port
    page.goto(site.embed_page(server=f"http://127.0.0.1:{free_port()}"))
    page.click("#gsdoa-launcher")
    notice = page.locator(".gsdoa-notice")
    expect(notice).to_be_visible(timeout=20_000)
    assert "911" in notice.inner_text()


def test_bot_html_is_shown_as_text_and_runs_nothing(site, page):
    open_widget(page, site.embed_page())
    payload = '<img src=x onerror="window.__xss=1"> see javascript:alert(1) and https://www.canada.ca/x'
    page.route(REST, lambda route: route.fulfill(status=200, content_type="application/json",
                                                 headers={"Access-Control-Allow-Origin": "*"},
                                                 body='[{"text": %s}]' % __import__("json").dumps(payload)))
    send(page, "hello")
    bubble = page.locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").last
    assert bubble.inner_text() == payload
    assert bubble.locator("img").count() == 0
    assert page.evaluate("window.__xss") is None
    links = bubble.locator("a")
    assert links.count() == 1 and links.first.get_attribute("href") == "https://www.canada.ca/x"
    assert "noopener" in links.first.get_attribute("rel")


def test_accessibility_audit_and_screenshots(site, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        open_widget(page, site.embed_page())
        send(page, "what does the good samaritan act cover")
        page.screenshot(path=str(SCREENSHOTS / f"widget-{width}.png"))
        page.add_script_tag(path=str(AXE))
        results[width] = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll at {width}px"
        page.evaluate("sessionStorage.clear()")
    summary = {width: {"violations": [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]],
                       "passes": len(result["passes"])} for width, result in results.items()}
    (SCREENSHOTS / "axe-widget.json").write_text(__import__("json").dumps(summary, indent=1))
    for width, result in results.items():
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], (width, serious)
