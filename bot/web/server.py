"""Serves the web widget, the outreach demo page and the cross-origin embed example — all local, no internet.

    python -m bot.web.server --port 8080 --embed-port 8081 --rasa http://127.0.0.1:5005 [--telegram-username NAME]

- http://localhost:8080/            the outreach demo page (full-screen chat, scenarios, QR code, handout)
- http://localhost:8080/widget/     widget.js + widget.css (what other sites embed)
- http://localhost:8080/config.json where the demo page finds Rasa and the Telegram link
- http://localhost:8080/qr.svg      QR code of https://t.me/<username>, drawn here with segno (no web service)
- http://127.0.0.1:8081/            a "community site" on another origin that embeds the widget, for site owners

Static files only plus two tiny generated ones; the browser talks to Rasa's REST channel directly (allowed by
`rasa run --cors <origins>`). Standard library + segno; imports neither rasa nor spacy.
"""
from __future__ import annotations

import argparse
import functools
import io
import json
import mimetypes
import os
import re
import signal
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import unquote, urlsplit

WEB_ROOT = Path(__file__).resolve().parent
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")  # Telegram usernames: 5-32 characters
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def telegram_url(username: Optional[str]) -> Optional[str]:
    """https://t.me/<username> for a valid bot username (with or without @), else None."""
    name = (username or "").strip().lstrip("@")
    return f"https://t.me/{name}" if _USERNAME.match(name) else None


@functools.lru_cache(maxsize=8)
def qr_svg(url: str) -> bytes:
    import segno  # only the demo page needs it

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#000", light="#fff",
                                    title="QR code: open the bot on Telegram")
    return buffer.getvalue()


class Site:
    """What one port serves: a folder for `/`, plus the widget files and (demo only) the generated endpoints."""

    def __init__(self, index_dir: str, rasa_url: str, telegram: Optional[str], lang: str, demo: bool) -> None:
        self.index_dir = WEB_ROOT / index_dir
        self.rasa_url, self.telegram, self.lang, self.demo = rasa_url.rstrip("/"), telegram, lang, demo

    def resolve(self, path: str) -> Optional[Path]:
        """The file for a URL path, never outside the folder that path maps to (widget/ or the site's own)."""
        path = unquote(urlsplit(path).path)
        if path.startswith("/widget/"):
            base, rest = WEB_ROOT / "widget", path[len("/widget/"):]
        else:
            base, rest = self.index_dir, path.lstrip("/")
        target = (base / (rest or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not str(target).startswith(str(base.resolve()) + os.sep) or not target.is_file():
            return None
        return target

    def generated(self, path: str) -> Optional[Tuple[bytes, str]]:
        if not self.demo:
            return None
        path = urlsplit(path).path
        if path == "/config.json":
            body = {"server": self.rasa_url, "telegram_url": self.telegram, "lang": self.lang}
            return json.dumps(body).encode("utf-8"), "application/json"
        if path == "/qr.svg" and self.telegram:
            return qr_svg(self.telegram), "image/svg+xml"
        return None


def make_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        server_version = "gsdoa-web"
        sys_version = ""

        def log_message(self, *args) -> None:  # no access log: URLs and addresses aren't ours to keep
            return

        def _send(self, status: int, body: bytes, content_type: str, head: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _serve(self, head: bool) -> None:
            generated = site.generated(self.path)
            if generated:
                self._send(HTTPStatus.OK, generated[0], generated[1], head)
                return
            target = site.resolve(self.path)
            if target is None:
                self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head)
                return
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type.endswith(("javascript", "json", "svg+xml")):
                content_type += "; charset=utf-8"
            self._send(HTTPStatus.OK, target.read_bytes(), content_type, head)

        def do_GET(self) -> None:
            self._serve(head=False)

        def do_HEAD(self) -> None:
            self._serve(head=True)

    return Handler


def start(port: int, site: Site, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(site))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv=None) -> int:
    mimetypes.add_type("text/javascript", ".js")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
    parser.add_argument("--embed-port", type=int, default=int(os.environ.get("WEB_EMBED_PORT", 8081)),
                        help="port of the cross-origin embed example (0 = off)")
    parser.add_argument("--rasa", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--telegram-username", default=os.environ.get("TELEGRAM_BOT_USERNAME"))
    parser.add_argument("--lang", default=os.environ.get("WEB_LANG", "en"), choices=["en", "fr"])
    args = parser.parse_args(argv)
    telegram = telegram_url(args.telegram_username)
    servers: Dict[str, ThreadingHTTPServer] = {
        "demo": start(args.port, Site("demo", args.rasa, telegram, args.lang, demo=True), args.host)}
    if args.embed_port:
        servers["embed"] = start(args.embed_port, Site("embed-example", args.rasa, telegram, args.lang, demo=False),
                                 args.host)
    print(f"Demo page: http://localhost:{args.port}/  (widget: http://localhost:{args.port}/widget/widget.js)",
          flush=True)
    if args.embed_port:
        print(f"Embed example on another origin: http://127.0.0.1:{args.embed_port}/", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers.values():
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
