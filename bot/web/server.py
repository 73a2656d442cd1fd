"""Serves the web widget, the outreach demo page and the cross-origin embed example — all local, no internet.

    python -m bot.web.server --port 8080 --embed-port 8081 --rasa http://127.0.0.1:5005 [--telegram-username NAME]

- http://localhost:8080/            the outreach demo page (full-screen chat, scenarios, QR code, handout)
- http://localhost:8080/widget/     widget.js + widget.css (the loader other sites embed) and frame.html + frame.js
                                    + frame.css (the chat itself, shown by the loader in an <iframe>)
- http://localhost:8080/widget/config.json  where the chat frame finds Rasa and the allowed embedding origins
- http://localhost:8080/config.json where the demo page finds the Telegram link and its language
- http://localhost:8080/qr.svg      QR code of https://t.me/<username>, drawn here with segno (no web service)
- http://127.0.0.1:8081/            a "community site" on another origin that embeds the widget, for site owners

Static files only plus three tiny generated ones; the chat frame talks to Rasa's REST channel directly (allowed by
`rasa run --cors <origins>`). Every answer carries X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer;
the chat frame and the demo page a Content-Security-Policy (the frame's `frame-ancestors` is the same list of
allowed origins as Rasa's --cors: bot.web.origins.web_origins, from WEB_ALLOWED_ORIGINS). A path that isn't one
(`/%00`, control characters, bad encoding) gets 400, never a traceback. Standard library + segno; imports
neither rasa nor spacy.
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
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.web.origins import web_origins  # the one list behind Rasa's --cors and the frame's frame-ancestors

WEB_ROOT = Path(__file__).resolve().parent
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")  # Telegram usernames: 5-32 characters
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# The demo page: its own files only, framed by nobody; it shows the chat frame of its own origin.
DEMO_CSP = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_BAD_PATH = re.compile(r"[\x00-\x1f\x7f\\\ufffd]")


class BadPath(ValueError):
    """A request path that can't name a file: 400."""


def frame_csp(rasa_url: str, origins: Sequence[str]) -> str:
    """The chat frame's CSP: its own files, talks only to itself and Rasa, framed only by the allowed origins."""
    rasa = urlsplit(rasa_url)
    rasa_origin = f"{rasa.scheme}://{rasa.netloc}" if rasa.scheme in ("http", "https") and rasa.netloc else ""
    connect = " ".join(["'self'", *([rasa_origin] if rasa_origin else [])])
    ancestors = " ".join(["'self'", *origins])
    return (
        f"default-src 'self'; connect-src {connect}; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {ancestors}"
    )


def telegram_url(username: str | None) -> str | None:
    """https://t.me/<username> for a valid bot username (with or without @), else None."""
    name = (username or "").strip().lstrip("@")
    return f"https://t.me/{name}" if _USERNAME.match(name) else None


@functools.lru_cache(maxsize=8)
def qr_svg(url: str) -> bytes:
    import segno  # only the demo page needs it

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, dark="#000", light="#fff", title="QR code: open the bot on Telegram"
    )
    return buffer.getvalue()


class Site:
    """What one port serves: a folder for `/`, plus the widget files and (demo only) the generated endpoints."""

    def __init__(
        self, index_dir: str, rasa_url: str, telegram: str | None, lang: str, demo: bool, origins: Sequence[str] = ()
    ) -> None:
        self.index_dir = WEB_ROOT / index_dir
        self.rasa_url, self.telegram, self.lang, self.demo = rasa_url.rstrip("/"), telegram, lang, demo
        self.origins = list(origins)  # may embed the chat frame (bot.web.origins.web_origins: the --cors list)

    def headers(self, path: str, target: Path | None) -> dict[str, str]:
        """Security headers for one answer: SECURITY_HEADERS, plus a CSP on the chat frame and the demo page, and
        CORS on the loader (a site's <script integrity=… crossorigin> needs it; it holds no conversation)."""
        headers = dict(SECURITY_HEADERS)
        if target is None:
            return headers
        if target == WEB_ROOT / "widget" / "frame.html":
            headers["Content-Security-Policy"] = frame_csp(self.rasa_url, self.origins)
        elif self.demo and target.suffix == ".html" and target.parent == self.index_dir:
            headers["Content-Security-Policy"] = DEMO_CSP
        elif target == WEB_ROOT / "widget" / "widget.js":
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return headers

    @staticmethod
    def clean_path(raw: str) -> str:
        """The decoded path of a request target; BadPath for NUL, control characters, backslashes or bad UTF-8."""
        path = urlsplit(raw).path
        try:
            path = unquote(path, errors="strict")
        except UnicodeDecodeError as error:
            raise BadPath("not UTF-8") from error
        if not path.startswith("/") or _BAD_PATH.search(path) or len(path) > 1024:
            raise BadPath("not a path")
        return path

    def resolve(self, path: str) -> Path | None:
        """The file for a URL path, never outside the folder that path maps to (widget/ or the site's own)."""
        path = self.clean_path(path)
        if path.startswith("/widget/"):
            base, rest = WEB_ROOT / "widget", path[len("/widget/") :]
        else:
            base, rest = self.index_dir, path.lstrip("/")
        target = (base / (rest or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not str(target).startswith(str(base.resolve()) + os.sep) or not target.is_file():
            return None
        return target

    def generated(self, path: str) -> tuple[bytes, str] | None:
        path = self.clean_path(path)
        if path == "/widget/config.json":  # for the chat frame
            body: dict[str, object] = {"server": self.rasa_url, "origins": self.origins}
            return json.dumps(body).encode("utf-8"), "application/json"
        if not self.demo:
            return None
        if path == "/config.json":
            body = {"telegram_url": self.telegram, "lang": self.lang}
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

        def _send(
            self, status: int, body: bytes, content_type: str, head: bool = False, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or SECURITY_HEADERS).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """Malformed requests and unknown methods: a short plain answer with our headers, nothing echoed."""
            self.close_connection = True
            try:
                phrase = HTTPStatus(code).phrase
            except ValueError:
                phrase = "Error"
            head = self.command == "HEAD" or code < 200 or code in (204, 304)
            self._send(code, f"{phrase}\n".encode(), "text/plain; charset=utf-8", head)

        def _serve(self, head: bool) -> None:
            try:
                generated = site.generated(self.path)
                if generated:
                    self._send(HTTPStatus.OK, generated[0], generated[1], head)
                    return
                target = site.resolve(self.path)
                body = target.read_bytes() if target is not None else None
            except BadPath:
                self._send(HTTPStatus.BAD_REQUEST, b"Bad request\n", "text/plain; charset=utf-8", head)
                return
            except (OSError, ValueError):  # unreadable, a name the file system refuses: as if it weren't there
                target = body = None
            if target is None or body is None:
                self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", head)
                return
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type.endswith(("javascript", "json", "svg+xml")):
                content_type += "; charset=utf-8"
            self._send(HTTPStatus.OK, body, content_type, head, site.headers(self.path, target))

        def do_GET(self) -> None:
            self._serve(head=False)

        def do_HEAD(self) -> None:
            self._serve(head=True)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # a dropped connection: no traceback, no address
        return


def start(port: int, site: Site, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    mimetypes.add_type("text/javascript", ".js")
    server = QuietServer((host, port), make_handler(site))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv=None) -> int:
    mimetypes.add_type("text/javascript", ".js")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
    parser.add_argument(
        "--embed-port",
        type=int,
        default=int(os.environ.get("WEB_EMBED_PORT", 8081)),
        help="port of the cross-origin embed example (0 = off)",
    )
    parser.add_argument("--rasa", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--telegram-username", default=os.environ.get("TELEGRAM_BOT_USERNAME"))
    parser.add_argument("--lang", default=os.environ.get("WEB_LANG", "en"), choices=["en", "fr"])
    args = parser.parse_args(argv)
    telegram = telegram_url(args.telegram_username)
    try:
        origins = web_origins(args.port, args.embed_port)
    except ValueError as error:
        print(f"Not started: {error}", file=sys.stderr, flush=True)
        return 2
    servers: dict[str, ThreadingHTTPServer] = {
        "demo": start(args.port, Site("demo", args.rasa, telegram, args.lang, demo=True, origins=origins), args.host)
    }
    if args.embed_port:
        servers["embed"] = start(
            args.embed_port,
            Site("embed-example", args.rasa, telegram, args.lang, demo=False, origins=origins),
            args.host,
        )
    print(
        f"Demo page: http://localhost:{args.port}/  (widget: http://localhost:{args.port}/widget/widget.js)", flush=True
    )
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
