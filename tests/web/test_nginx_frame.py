"""The chat frame as production serves it: deploy/nginx.conf.template rendered by ops/cluster.py, run by Debian's
nginx (no Rasa needed: the upstream is a closed port). Its security headers, the frame's CSP with the allowed
origins from the one setting, and Chromium honouring frame-ancestors."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import expect

from bot.web import server as web
from ops import cluster as ops_cluster
from ops.services import free_port, http_get, stop_process_group
from tests.support.repo import ROOT
from tests.support.web import get

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """nginx on a free port, the embed-example page on an allowed origin and on one that isn't."""
    if not all(shutil.which(binary) or ops_cluster.Path(binary).exists() for binary in ops_cluster.BINARIES.values()):
        pytest.fail("nginx not installed: run `make cluster-tools`")
    allowed_port, other_port, port = free_port(), free_port(), free_port()
    allowed = f"http://127.0.0.1:{allowed_port}"
    home = ops_cluster.nginx_home()
    run_dir = home / "nginx"
    run_dir.mkdir(mode=0o755)
    logs = tmp_path_factory.mktemp("nginx-logs")
    config = logs / "nginx.conf"
    config.write_text(
        ops_cluster.render_nginx(
            port, [free_port()], run_dir, logs / "error.log", widget_dir=home / "widget", allowed_origins=[allowed]
        )
    )
    process = subprocess.Popen(
        ops_cluster.nginx_command(run_dir, config, logs / "startup.log"), cwd=ROOT, start_new_session=True
    )
    pages = [
        web.start(allowed_port, web.Site("embed-example", "http://127.0.0.1:9", None, "en", demo=False)),
        web.start(other_port, web.Site("embed-example", "http://127.0.0.1:9", None, "en", demo=False)),
    ]
    try:
        deadline = time.monotonic() + 20
        while http_get(f"http://127.0.0.1:{port}/health") is None:
            assert process.poll() is None and time.monotonic() < deadline, (logs / "startup.log").read_text()
            time.sleep(0.1)
        yield {"url": f"http://127.0.0.1:{port}", "allowed": allowed, "other": f"http://127.0.0.1:{other_port}"}
    finally:
        for page in pages:
            page.shutdown()
        stop_process_group(process)
        shutil.rmtree(home, ignore_errors=True)


def test_nginx_sends_the_security_headers_and_the_frames_csp(nginx):
    base = nginx["url"]
    for path in (
        "/widget/widget.js",
        "/widget/frame.html",
        "/widget/frame.js",
        "/widget/frame.css",
        "/widget/config.json",
        "/health",
        "/nope",
    ):
        _, headers, _ = get(base + path)
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
    status, headers, body = get(base + "/widget/frame.html")
    assert status == 200 and b"frame.js" in body
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "connect-src 'self';" in policy
    assert policy.endswith(f"frame-ancestors 'self' {nginx['allowed']}")
    status, headers, body = get(base + "/widget/config.json")
    assert status == 200 and json.loads(body) == {"server": "", "origins": [nginx["allowed"]]}
    assert get(base + "/widget/widget.js")[1]["Access-Control-Allow-Origin"] == "*"  # for SRI (crossorigin)
    assert "Access-Control-Allow-Origin" not in get(base + "/widget/frame.html")[1]


def test_nginx_lets_only_the_allowed_origin_frame_the_chat(nginx, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{nginx['allowed']}/?widget={nginx['url']}/widget/")
        page.click("#gsdoa-launcher")
        chat = page.frame_locator("#gsdoa-frame")
        expect(chat.locator(".gsdoa-exit")).to_be_visible(timeout=15_000)  # drawn (the bot itself is down here)
        expect(chat.locator(".gsdoa-notice")).to_contain_text("911", timeout=20_000)
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{nginx['other']}/?widget={nginx['url']}/widget/")
        page.click("#gsdoa-launcher")
        page.wait_for_timeout(2000)
        assert any("frame-ancestors" in line for line in console), console  # Chromium refused to draw it
        frame = page.wait_for_selector("#gsdoa-frame", state="attached").content_frame()
        # Not our document at all: neither the chat nor its own "can't be shown here" refusal.
        assert frame is None or frame.evaluate("!!document.querySelector('.gsdoa-root')") is False
    finally:
        context.close()
