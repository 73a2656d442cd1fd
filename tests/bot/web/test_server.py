"""The local web server for the widget and demo page (no browser, no Rasa)."""

import base64
import hashlib
import http.client
import json
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from bot.web import server as web
from bot.web.origins import allowed_origins, web_origins
from ops.services import ROOT, free_port
from tests.support.web import get

EMBEDDER = "https://harmreduction.example"


@pytest.fixture(scope="module")
def urls():
    demo_port, embed_port = free_port(), free_port()
    telegram = web.telegram_url("@gsdoa_demo_bot")
    servers = [
        web.start(demo_port, web.Site("demo", "http://127.0.0.1:5999", telegram, "en", demo=True, origins=[EMBEDDER])),
        web.start(embed_port, web.Site("embed-example", "http://127.0.0.1:5999", telegram, "en", demo=False)),
    ]
    yield f"http://127.0.0.1:{demo_port}", f"http://127.0.0.1:{embed_port}"
    for running in servers:
        running.shutdown()


@pytest.mark.parametrize(
    "username, expected",
    [
        ("gsdoa_demo_bot", "https://t.me/gsdoa_demo_bot"),
        ("@gsdoa_demo_bot", "https://t.me/gsdoa_demo_bot"),
        ("", None),
        (None, None),
        ("bad name", None),
        ("a/../b", None),
        ("abc", None),
    ],
)
def test_telegram_url_only_for_valid_usernames(username, expected):
    assert web.telegram_url(username) == expected


def test_demo_page_widget_and_config(urls):
    demo, _ = urls
    status, headers, body = get(demo + "/")
    assert status == 200 and b"<html" in body.lower() and headers["Content-Type"].startswith("text/html")
    status, headers, body = get(demo + "/widget/widget.js")
    assert status == 200 and "javascript" in headers["Content-Type"] and headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = get(demo + "/config.json")
    assert json.loads(body) == {"telegram_url": "https://t.me/gsdoa_demo_bot", "lang": "en"}
    status, _, body = get(demo + "/widget/config.json")  # for the chat frame: Rasa and who may embed it
    assert status == 200 and json.loads(body) == {"server": "http://127.0.0.1:5999", "origins": [EMBEDDER]}


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


@pytest.mark.parametrize(
    "path",
    [
        "/../server.py",
        "/%2e%2e/server.py",
        "/widget/../../../pyproject.toml",
        "/widget/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/nope.html",
    ],
)
def test_nothing_outside_the_web_folder_is_served(urls, path):
    demo, _ = urls
    status, _, body = get(demo + path)
    assert status == 404 and b"import" not in body


def raw_get(url_base, target):
    """A request line sent as is (urllib would refuse or re-encode `target`): status, headers, body."""
    host, port = url_base.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    connection.endheaders()
    reply = connection.getresponse()
    return reply.status, reply.headers, reply.read()


@pytest.mark.parametrize(
    "target", ["/%00", "/widget/%00.js", "/%0a", "/a%ffb", "/widget/..%5c..%5cserver.py", "/%c0%ae%c0%ae/server.py"]
)
def test_a_bad_path_is_a_calm_400(urls, target):
    demo, _ = urls
    status, headers, body = raw_get(demo, target)
    assert status == 400 and body == b"Bad request\n"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def test_bad_requests_leave_no_traceback_on_stderr():
    """The server as `make run` starts it: bad paths, a bad request line and an unknown method, then stderr."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web.server", "--port", str(port), "--embed-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "WEB_ALLOWED_ORIGINS": EMBEDDER},
    )
    try:
        assert "Demo page" in process.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        for target in ("/%00", "/%ff", "/widget/%00", "/x%00y/z"):
            assert raw_get(base, target)[0] == 400
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GARBAGE\r\n\r\n")  # not a request line: a short answer (HTTP/0.9 style, no headers)
            assert sock.recv(1000) == b"Bad Request\n"
        request = urllib.request.Request(base + "/", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 501 and refused.value.headers["X-Content-Type-Options"] == "nosniff"
        assert get(base + "/")[0] == 200  # still serving
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


def test_every_answer_has_the_security_headers(urls):
    demo, embed = urls
    for url in (
        demo + "/",
        demo + "/widget/widget.js",
        demo + "/widget/frame.html",
        demo + "/widget/frame.js",
        demo + "/config.json",
        demo + "/qr.svg",
        demo + "/nope",
        embed + "/",
    ):
        headers = get(url)[1]
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "no-referrer", url


def csp(headers):
    return {part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split(";") if part.strip()}


def test_the_chat_frame_has_a_strict_csp_framed_only_by_allowed_origins(urls):
    demo, _ = urls
    status, headers, body = get(demo + "/widget/frame.html")
    assert status == 200 and b"frame.js" in body
    policy = csp(headers)
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'", "http://127.0.0.1:5999"]  # itself and the bot, nothing else
    assert policy["frame-ancestors"] == ["'self'", EMBEDDER]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "script-src" not in policy and "unsafe-inline" not in headers["Content-Security-Policy"]
    assert b"<script>" not in body and b"style=" not in body  # nothing inline that the CSP would have to allow


def test_the_demo_page_has_a_csp_of_its_own_files(urls):
    demo, embed = urls
    policy = csp(get(demo + "/")[1])
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"] and policy["frame-src"] == ["'self'"]
    assert "Content-Security-Policy" not in get(embed + "/")[1]  # the embed example stands for someone else's site


def test_the_loader_can_be_pinned_with_sri_from_any_site(urls):
    demo, _ = urls
    headers = get(demo + "/widget/widget.js")[1]
    assert (
        headers["Access-Control-Allow-Origin"] == "*"
    )  # <script integrity crossorigin> needs CORS; no conversation in it
    assert "Access-Control-Allow-Origin" not in get(demo + "/widget/frame.html")[1]


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "https://*.example.org",
        "null",
        "https://a.example/path",
        "a.example",
        "ftp://a.example",
        "https://a.example *",
    ],
)
def test_allowed_origins_refuse_a_wildcard_or_anything_that_isnt_an_origin(value, monkeypatch):
    with pytest.raises(ValueError, match="never allowed"):
        allowed_origins(value)
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", value)
    with pytest.raises(ValueError):
        web_origins(8080, 8081)


def test_allowed_origins_one_list_for_cors_and_framing(monkeypatch):
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", "https://a.example  https://B.example:8443/ https://a.example")
    assert allowed_origins() == ["https://a.example", "https://b.example:8443"]
    assert web_origins(8080) == [
        "http://localhost:8080",
        "http://127.0.0.1:8080",
        "https://a.example",
        "https://b.example:8443",
    ]


def test_a_wildcard_stops_the_web_server_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "-m", "bot.web.server", "--port", str(free_port()), "--embed-port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "WEB_ALLOWED_ORIGINS": "https://ok.example *"},
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "WEB_ALLOWED_ORIGINS" in result.stderr and "'*'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("module, runner", [("ops.services", "BotServices"), ("ops.cluster", "Cluster")])
def test_a_wildcard_stops_make_run_and_run_cluster_before_anything_starts(module, runner, monkeypatch, capsys):
    """`make run` (ops.services run) and `make run-cluster` (ops.cluster run) with `*` in WEB_ALLOWED_ORIGINS:
    exit 2 with one clear line, before a single process is started."""
    import importlib

    target = importlib.import_module(module)
    started = []
    monkeypatch.setattr(getattr(target, runner), "__enter__", lambda self: started.append(self) or self)
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", "https://ok.example *")
    with pytest.raises(SystemExit) as stopped:
        target.main(["run"])
    assert stopped.value.code == 2 and started == []
    err = capsys.readouterr().err
    assert "WEB_ALLOWED_ORIGINS" in err and "'*'" in err


def test_readme_publishes_the_loaders_current_sri_hash():
    """The README's embed snippet pins widget.js with Subresource Integrity; recomputed here from the file, so the
    published hash can't go stale (tests/web/test_widget.py loads the widget with it in Chromium)."""
    snippet = re.search(
        r'<script src="https://[^"]+/widget/widget\.js"\s+integrity="(sha384-[A-Za-z0-9+/=]+)"\s+'
        r'crossorigin="anonymous"',
        (ROOT / "README.md").read_text(encoding="utf-8"),
    )
    assert snippet, "README has no embed snippet with an integrity hash"
    digest = hashlib.sha384((ROOT / "bot" / "web" / "widget" / "widget.js").read_bytes()).digest()
    assert snippet.group(1) == "sha384-" + base64.b64encode(digest).decode()
