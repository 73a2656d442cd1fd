"""The local web server for the widget and demo page (no browser, no Rasa)."""
import json
import urllib.error
import urllib.request

import pytest

from bot.web import server as web
from ops.services import free_port


@pytest.fixture(scope="module")
def urls():
    demo_port, embed_port = free_port(), free_port()
    telegram = web.telegram_url("@gsdoa_demo_bot")
    servers = [web.start(demo_port, web.Site("demo", "http://127.0.0.1:5999", telegram, "en", demo=True)),
               web.start(embed_port, web.Site("embed-example", "http://127.0.0.1:5999", telegram, "en", demo=False))]
    yield f"http://127.0.0.1:{demo_port}", f"http://127.0.0.1:{embed_port}"
    for running in servers:
        running.shutdown()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("username, expected", [("gsdoa_demo_bot", "https://t.me/gsdoa_demo_bot"),
                                                ("@gsdoa_demo_bot", "https://t.me/gsdoa_demo_bot"),
                                                ("", None), (None, None), ("bad name", None), ("a/../b", None),
                                                ("abc", None)])
def test_telegram_url_only_for_valid_usernames(username, expected):
    assert web.telegram_url(username) == expected


def test_demo_page_widget_and_config(urls):
    demo, _ = urls
    status, headers, body = get(demo + "/")
    assert status == 200 and b"<html" in body.lower() and headers["Content-Type"].startswith("text/html")
    status, headers, body = get(demo + "/widget/widget.js")
    assert status == 200 and "javascript" in headers["Content-Type"] and headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = get(demo + "/config.json")
    assert json.loads(body) == {"server": "http://127.0.0.1:5999", "telegram_url": "https://t.me/gsdoa_demo_bot",
                                "lang": "en"}


def test_qr_code_is_an_svg_drawn_here(urls):
    demo, _ = urls
    status, headers, body = get(demo + "/qr.svg")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml") and body.startswith(b"<?xml")
    assert b"<path" in body


def test_qr_is_404_without_a_telegram_username():
    port = free_port()
    running = web.start(port, web.Site("demo", "http://127.0.0.1:5999", None, "en", demo=True))
    try:
        assert get(f"http://127.0.0.1:{port}/qr.svg")[0] == 404
        assert json.loads(get(f"http://127.0.0.1:{port}/config.json")[2])["telegram_url"] is None
    finally:
        running.shutdown()


def test_embed_origin_serves_the_example_and_the_widget_but_not_the_demo_endpoints(urls):
    _, embed = urls
    assert b"widget" in get(embed + "/")[2]
    assert get(embed + "/config.json")[0] == 404 and get(embed + "/widget/widget.css")[0] == 200


@pytest.mark.parametrize("path", ["/../server.py", "/%2e%2e/server.py", "/widget/../../../pyproject.toml",
                                  "/widget/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/nope.html"])
def test_nothing_outside_the_web_folder_is_served(urls, path):
    demo, _ = urls
    status, _, body = get(demo + path)
    assert status == 404 and b"import" not in body
