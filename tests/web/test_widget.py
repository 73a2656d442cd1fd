"""The widget on a community site of another origin, in headless Chromium, against the real bot.

The chat runs in an <iframe> of the bot's own origin (bot/web/widget/frame.html); the host page gets only the
loader (widget.js): a launcher button and the frame. These tests look at the chat inside the frame and check
what the host page can and cannot see."""

import base64
import hashlib
import json
import re
import urllib.parse
import uuid

import pytest
from playwright.sync_api import expect

from bot.web import server as web
from ops.services import free_port, post_message
from tests.support.browser import AXE, EXIT_URL, SCREENSHOTS
from tests.support.repo import ROOT

pytestmark = [pytest.mark.servers, pytest.mark.browser]
REST = "**/webhooks/rest/webhook"
FRAME = "#gsdoa-frame"


def chat(page):
    """The chat, inside its frame."""
    return page.frame_locator(FRAME)


def chat_frame(page):
    return page.wait_for_selector(FRAME, state="attached").content_frame()


def open_widget(page, url):
    page.goto(url)
    page.click("#gsdoa-launcher")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)  # the greeting


def last_bot_text(page):
    return chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").last


def send(page, text):
    bot = chat(page).locator(".gsdoa-msg.gsdoa-bot")
    before = bot.count()
    chat(page).locator("#gsdoa-input").fill(text)
    chat(page).locator(".gsdoa-send").click()
    expect(bot).not_to_have_count(before, timeout=30_000)


def senders(page):
    """The sender ids the chat used, in order (seen on the wire, never on the host page)."""
    ids = [body.get("sender") for path, body in page.rest_calls if path == "/webhook" and body]
    return list(dict.fromkeys(ids))


def checking(services, sender, message):
    """Continue a conversation over REST, as anyone holding its sender id could: the bot's text."""
    return "\n".join(m.get("text") or "" for m in post_message(services.rest_url, sender, message))


def start_check(page, site):
    """Start the 4-question check with its quick reply; returns the payload it sent. Also proves, on a control
    conversation over REST, that a conversation in this state that is NOT erased goes on to question 2/4 — so
    "2/4 doesn't come" after an erase means the state is gone, not that the check can't continue."""
    chat(page).locator(".gsdoa-quick-replies button", has_text="Am I protected if I call 911?").click()
    expect(last_bot_text(page)).to_contain_text("1/4", timeout=30_000)
    payload = page.rest_calls[-1][1]["message"]
    control = "web-" + uuid.uuid4().hex
    assert "1/4" in checking(site.services, control, payload)
    assert "2/4" in checking(site.services, control, "yes")
    return payload


def stored(where):
    """What the page or frame holds in browser storage: a count, or 'denied' (Chromium gives a cross-site frame no
    storage at all)."""
    return where.evaluate(
        "(() => { try { return localStorage.length + sessionStorage.length; } catch (e) { return 'denied'; } })()"
    )


def readme_integrity():
    snippet = re.search(
        r'<script src="[^"]*/widget/widget\.js"\s+integrity="(sha384-[^"]+)"',
        (ROOT / "README.md").read_text(encoding="utf-8"),
    )
    assert snippet, "README's embed snippet has no integrity hash"
    return snippet.group(1)


def test_widget_on_another_origin_answers_an_overdose_with_911_first(site, page):
    open_widget(page, site.embed_page(extra="&integrity=" + urllib.parse.quote(readme_integrity())))
    assert page.evaluate("location.origin") != site.services.base_url  # really cross-origin
    assert page.locator("script[integrity^='sha384-']").count() == 1  # the README's SRI hash, checked by Chromium
    expect(chat(page).locator(".gsdoa-911 a[href='tel:911']")).to_be_visible()
    greeting = chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").first.inner_text()
    assert "not a person" in greeting
    send(page, "my friend is overdosing and wont wake up")
    first_reply = chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(1).inner_text()
    assert first_reply.startswith("🚨 Call 911")
    frame = chat_frame(page)
    assert frame.url.startswith(site.demo + "/widget/frame.html")  # the bot's origin, not the host's
    assert page.context.cookies() == []
    assert stored(page) == 0 and stored(frame) in (0, "denied")  # no storage at all, on either origin
    assert re.fullmatch(r"web-[0-9a-f]{32}", senders(page)[0])
    assert page.js_errors == []


def test_a_changed_loader_is_not_run_where_the_sri_hash_is_pinned(site, page):
    wrong = "sha384-" + base64.b64encode(hashlib.sha384(b"another file").digest()).decode()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(site.embed_page(extra="&integrity=" + urllib.parse.quote(wrong)))
    page.wait_for_timeout(1500)
    assert any("integrity" in line for line in console), console  # Chromium refused it for its hash
    assert page.locator("#gsdoa-launcher").count() == 0


def test_quick_reply_sends_its_payload_and_shows_its_title(site, page):
    open_widget(page, site.embed_page())
    button = chat(page).locator(".gsdoa-quick-replies button", has_text="Am I protected if I call 911?")
    button.click()
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text("Am I protected if I call 911?")
    expect(last_bot_text(page)).to_contain_text("1/4", timeout=30_000)
    assert page.rest_calls[-1][1]["message"].startswith("/")  # the payload went to the bot, the title was shown


def test_french_page_gets_a_french_widget_and_the_language_button_switches_both(site, page):
    """data-lang (here from the page) sets the interface and the bot's first guess; FR/EN switches both."""
    open_widget(page, site.embed_page(extra="&lang=fr"))
    expect(page.locator("#gsdoa-launcher")).to_have_text(re.compile("Aide surdose"))
    expect(chat(page).locator(".gsdoa-send")).to_have_text("Envoyer")
    assert "pas une personne" in chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").first.inner_text()
    send(page, "mon ami respire presque pu")
    assert chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(1).inner_text().startswith("🚨 Appelez le 911")
    bot = chat(page).locator(".gsdoa-msg.gsdoa-bot")
    before = bot.count()
    chat(page).locator(".gsdoa-lang").click()
    expect(chat(page).locator(".gsdoa-send")).to_have_text("Send")
    expect(chat(page).locator("html")).to_have_attribute("lang", "en")
    expect(bot).not_to_have_count(before, timeout=30_000)
    # the bot confirms, then says its last answer (the emergency steps) again in English
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(before)).to_contain_text("answer in English")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot .gsdoa-text").nth(before + 1)).to_contain_text("Call 911")
    assert page.js_errors == []


def test_keyboard_only_conversation(site, page):
    page.goto(site.embed_page())
    for _ in range(30):  # Tab to the launcher like a keyboard user
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "gsdoa-launcher":
            break
    assert page.evaluate("document.activeElement.id") == "gsdoa-launcher"
    page.keyboard.press("Enter")
    expect(chat(page).locator("#gsdoa-input")).to_be_focused(timeout=10_000)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
    page.keyboard.type("where can i get naloxone")
    page.keyboard.press("Enter")
    expect(last_bot_text(page)).to_contain_text("aloxone", timeout=30_000)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text("where can i get naloxone")
    page.keyboard.press("Escape")  # from inside the frame: closes the chat, focus back on the launcher
    expect(page.locator(FRAME)).to_be_hidden()
    expect(page.locator("#gsdoa-launcher")).to_be_focused()
    assert page.js_errors == []


def erase_mid_check(site, page, button: str):
    """Open the widget on the community page, start the check, click `button`: (the old sender id, the /forget
    request it sent), once that request is seen to name the OLD conversation."""
    open_widget(page, site.embed_page())
    start_check(page, site)
    old_sender = senders(page)[-1]
    with page.expect_request("**/webhooks/rest/forget") as forget:
        chat(page).locator(button).click()
    assert forget.value.post_data_json == {"sender": old_sender}
    return old_sender, forget.value


def test_quick_exit_replaces_the_host_page_and_erases_the_conversation(site, page):
    old_sender, _ = erase_mid_check(site, page, ".gsdoa-exit")
    page.wait_for_url(f"{EXIT_URL}**")  # the host page itself was replaced
    assert page.title() == "Weather"
    page.go_back()  # location.replace: Back does not return to the conversation
    assert page.url.startswith("about:") or page.url == EXIT_URL
    page.goto(site.embed_page())  # same tab: nothing of the old conversation is left
    page.click("#gsdoa-launcher")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(0)
    assert senders(page)[-1] != old_sender
    # On the server: the old conversation no longer goes on with the check (question 2/4 after an answer).
    page.wait_for_timeout(500)
    assert "2/4" not in checking(site.services, old_sender, "yes")


def test_double_escape_with_focus_in_the_chat_is_a_quick_exit(site, page):
    open_widget(page, site.embed_page())
    expect(chat(page).locator("#gsdoa-input")).to_be_focused(timeout=10_000)  # focus inside the frame
    page.keyboard.type("hello")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{EXIT_URL}**")


def test_double_escape_on_the_host_page_is_a_quick_exit(site, page):
    open_widget(page, site.embed_page())
    page.locator("h1").click()  # focus back on the host page
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{EXIT_URL}**")


def test_delete_conversation_erases_the_old_conversation_on_the_server(site, page):
    old_sender, forget = erase_mid_check(site, page, ".gsdoa-delete")
    assert forget.response().json() == {"erased": True}
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(0)
    expect(chat(page).locator(".gsdoa-info")).to_have_text("Conversation deleted.")
    # The old conversation, continued by its id over REST: its state is gone, the check doesn't go on.
    assert "2/4" not in checking(site.services, old_sender, "yes")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)  # greeted again
    assert senders(page)[-1] != old_sender
    send(page, "yes")
    assert "2/4" not in last_bot_text(page).inner_text()


def test_server_stopped_gives_911_and_nors_then_recovers(site, page):
    open_widget(page, site.embed_page())
    page.route(REST, lambda route: route.abort("connectionrefused"))  # as if Rasa were stopped
    chat(page).locator("#gsdoa-input").fill("can i get in trouble for calling 911")
    chat(page).locator(".gsdoa-send").click()
    notice = chat(page).locator(".gsdoa-notice")
    expect(notice).to_be_visible(timeout=20_000)
    assert "911" in notice.inner_text() and "1-888-688-6677" in notice.inner_text()
    expect(chat(page).locator(".gsdoa-typing")).to_have_text("")  # no endless spinner
    page.unroute(REST)  # the server is back: the queued message goes through
    expect(notice).to_be_hidden(timeout=40_000)
    expect(last_bot_text(page)).to_contain_text("possession", timeout=30_000)


def test_unreachable_server_address_gives_the_offline_message(site, page):
    port = free_port()  # a bot web server whose Rasa address answers nothing
    running = web.start(
        port, web.Site("demo", f"http://127.0.0.1:{free_port()}", None, "en", demo=True, origins=[site.embed])
    )
    try:
        page.goto(site.embed_page(widget=f"http://127.0.0.1:{port}"))
        page.click("#gsdoa-launcher")
        notice = chat(page).locator(".gsdoa-notice")
        expect(notice).to_be_visible(timeout=20_000)
        assert "911" in notice.inner_text()
    finally:
        running.shutdown()


def test_bot_html_is_shown_as_text_and_runs_nothing(site, page):
    open_widget(page, site.embed_page())
    payload = '<img src=x onerror="window.__xss=1"> see javascript:alert(1) and https://www.canada.ca/x'
    page.route(
        REST,
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps([{"text": payload}]),
        ),
    )
    send(page, "hello")
    bubble = last_bot_text(page)
    assert bubble.inner_text() == payload
    assert bubble.locator("img").count() == 0
    assert chat_frame(page).evaluate("window.__xss") is None and page.evaluate("window.__xss") is None
    links = bubble.locator("a")
    assert links.count() == 1 and links.first.get_attribute("href") == "https://www.canada.ca/x"
    assert "noopener" in links.first.get_attribute("rel")


# ---- the host page sees nothing of the conversation -------------------------------------------------------------
SPY = """
if (window === window.top) {
  window.__spy = {keys: [], messages: [], texts: []};
  for (const target of [window, document]) {
    for (const type of ['keydown', 'keypress', 'keyup', 'input', 'beforeinput', 'paste', 'copy']) {
      target.addEventListener(type, (e) => window.__spy.keys.push(type + ':' + (e.key || e.data || '')), true);
    }
  }
  window.addEventListener('message', (e) => window.__spy.messages.push(JSON.stringify(e.data)), true);
  new MutationObserver((records) => records.forEach((r) => {
    r.addedNodes.forEach((n) => window.__spy.texts.push(n.textContent || ''));
    if (r.type === 'characterData' || r.type === 'attributes') window.__spy.texts.push(String(r.target.textContent));
  })).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
}
"""
EVERYTHING_THE_HOST_CAN_READ = """() => {
  const texts = [];
  const walk = (root) => {
    texts.push(root.innerHTML || '', root.textContent || '');
    root.querySelectorAll('*').forEach((node) => {
      if (node.shadowRoot) walk(node.shadowRoot);
      if (node.value) texts.push(String(node.value));
      for (const a of node.attributes || []) texts.push(a.value);
    });
  };
  walk(document.documentElement);
  const frame = document.getElementById('gsdoa-frame');
  let reach = 'blocked';  // a cross-origin frame's contentDocument is null; reading its window's properties throws
  try { if (frame.contentDocument) reach = String(frame.contentDocument.body.innerHTML); } catch (e) { /* blocked */ }
  try { reach += String(frame.contentWindow.GSDOAChat); } catch (e) { reach += ' blocked'; }
  const storage = [localStorage, sessionStorage].map((s) => Object.keys(s).map((k) => k + s.getItem(k)).join());
  return {texts: texts.join('\\n'), storage, reach, frame: frame.outerHTML, widget: JSON.stringify(window.GSDOAWidget),
          title: document.title, url: location.href, spy: window.__spy};
}"""


def test_a_script_on_the_host_page_can_find_nothing_of_the_conversation(site, page):
    page.add_init_script(SPY)  # an analytics / session-replay script, installed before anything else
    open_widget(page, site.embed_page())
    marker = "zqxjk overdose on probation"
    expect(chat(page).locator("#gsdoa-input")).to_be_focused(timeout=10_000)
    page.keyboard.type(marker)  # typed with focus in the chat
    page.keyboard.press("Enter")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user .gsdoa-text").last).to_have_text(marker)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot")).not_to_have_count(1, timeout=30_000)
    bot_reply = last_bot_text(page).inner_text()[:40]
    sender = senders(page)[-1]
    seen = page.evaluate(EVERYTHING_THE_HOST_CAN_READ)
    everything = json.dumps(seen)
    for secret in ("zqxjk", sender, bot_reply, "not a person"):  # what was typed, the id, the bot's words
        assert secret not in everything, secret
    assert seen["spy"]["keys"] == []  # not one keystroke typed in the chat reached the host's listeners
    assert seen["reach"] == "blocked blocked"  # the frame's document and window are out of reach
    assert all(json.loads(m).get("gsdoa") in ("open", "close", "escape", "exit") for m in seen["spy"]["messages"])
    assert seen["storage"] == ["", ""]


def test_a_page_on_an_origin_not_allowed_cannot_show_the_chat(site, page):
    """frame-ancestors: the browser refuses to draw the chat frame in a page of another origin."""
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(site.embed_page(host=site.other))
    page.click("#gsdoa-launcher")
    page.wait_for_timeout(2000)
    assert any("frame-ancestors" in line for line in console), console  # Chromium refused to draw it
    frame = chat_frame(page)
    # Not our document at all: neither the chat nor its own "can't be shown here" refusal.
    assert frame is None or frame.evaluate("!!document.querySelector('.gsdoa-root')") is False
    assert [path for path, _ in page.rest_calls] == []  # the chat never started: nothing went to the bot


def test_the_chat_refuses_a_page_not_allowed_even_without_the_csp_header(site, page):
    """Defence in depth: were the CSP header lost (a misconfigured proxy), the chat itself checks who embeds it."""

    def strip_csp(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
        route.fulfill(response=response, headers=headers)

    page.route(f"{site.demo}/widget/frame.html*", strip_csp)
    page.goto(site.embed_page(host=site.other))
    page.click("#gsdoa-launcher")
    refusal = chat(page).locator(".gsdoa-refused")
    expect(refusal).to_contain_text("can't be shown on this page", timeout=10_000)
    expect(refusal).to_contain_text("911")
    assert chat(page).locator("#gsdoa-input").count() == 0
    assert [path for path, _ in page.rest_calls] == []


def test_reloading_or_reopening_the_page_brings_back_nothing(site, page):
    """A shared outreach tablet: the next person must not see the last person's conversation."""
    open_widget(page, site.embed_page())
    start_check(page, site)
    old_sender = senders(page)[-1]
    page.reload()
    page.click("#gsdoa-launcher")
    expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
    expect(chat(page).locator(".gsdoa-msg.gsdoa-user")).to_have_count(0)
    assert senders(page)[-1] != old_sender
    assert stored(page) == 0 and stored(chat_frame(page)) in (0, "denied")
    # A new tab of the same browser (profile), like reopening a closed one.
    second = page.context.new_page()
    second.goto(site.embed_page())
    second.click("#gsdoa-launcher")
    expect(chat(second).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
    expect(chat(second).locator(".gsdoa-msg.gsdoa-user")).to_have_count(0)
    assert "1/4" not in chat(second).locator("body").inner_text()
    # Leaving the page erased it on the server too: continued by its id, the check doesn't go on.
    assert "2/4" not in checking(site.services, old_sender, "yes")


def test_usable_at_200_percent_zoom(site, browser):
    """200 % zoom of a 1280×800 window: the page lays out in 640×400 CSS pixels at device scale 2 (what browser
    zoom does). The open chat takes the viewport, and its 911 line, quick exit, input and send button are in view
    and work."""
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.rest_calls = []
        page.goto(site.embed_page())
        assert page.evaluate("window.devicePixelRatio") == 2 and page.evaluate("innerWidth") == 640
        page.click("#gsdoa-launcher")
        expect(chat(page).locator(".gsdoa-msg.gsdoa-bot").first).to_be_visible(timeout=30_000)
        box = page.locator(FRAME).bounding_box()
        assert box["width"] >= 639 and box["height"] >= 399  # the whole viewport
        for selector in (".gsdoa-911 a", ".gsdoa-exit", "#gsdoa-input", ".gsdoa-send", ".gsdoa-delete"):
            expect(chat(page).locator(selector)).to_be_in_viewport()
        chat(page).locator("#gsdoa-input").fill("where can i get naloxone")
        chat(page).locator(".gsdoa-send").click()
        expect(last_bot_text(page)).to_contain_text("aloxone", timeout=30_000)
        frame = chat_frame(page)
        assert frame.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0  # no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-zoom-200.png"))
    finally:
        context.close()


def axe(target, name):
    """axe-core in one document (the host page or the chat frame); evaluated through the DevTools protocol, so the
    frame's CSP (no inline script) doesn't stop it."""
    target.evaluate(AXE.read_text(encoding="utf-8"))
    result = target.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], iframes: false})"
    )
    summary = {
        "violations": [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]],
        "passes": len(result["passes"]),
    }
    (SCREENSHOTS / f"axe-{name}.json").write_text(json.dumps(summary, indent=1))
    return summary["violations"]


def test_accessibility_audit_and_screenshots(site, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(site.embed_page())
    expect(page.locator("#gsdoa-launcher")).to_be_visible()
    assert axe(page, "widget-host-closed") == []  # the launcher alone, before the frame exists
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        open_widget(page, site.embed_page())
        send(page, "what does the good samaritan act cover")
        page.screenshot(path=str(SCREENSHOTS / f"widget-{width}.png"))
        assert axe(page, f"widget-host-{width}") == []
        assert axe(chat_frame(page), f"widget-frame-{width}") == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll at {width}px"
