"""The action server: rasa_sdk's, hardened. Run with `python -m actions.server --port 5055`.

Why not `python -m rasa_sdk` as is: it listens on every interface (0.0.0.0), answers a malformed request with a
500, and its error handler logs the request and sends the request body (the user's conversation) back in the
reply. Here the server listens on 127.0.0.1 unless SANIC_HOST says otherwise, a request that isn't shaped like
Rasa's action call gets a clear 400 before any action runs, and a failing action gets a short 400 that names no
user data; the log says which action failed, never what the user wrote. A compressed body (deflate, which Rasa
sends, or gzip) is inflated at most to MAX_BODY_BYTES: a small "zip bomb" gets a 413 without being inflated.
"""

from __future__ import annotations

import json
import logging
import os
import zlib
from typing import Any

from rasa_sdk import endpoint, utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 2_000_000  # a whole tracker; Rasa's real calls are far smaller (also the inflated size)
_WBITS = {"deflate": zlib.MAX_WBITS, "gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS}


class TooLarge(ValueError):
    """The body (or what it inflates to) is over MAX_BODY_BYTES."""


class UnsupportedEncoding(ValueError):
    """A Content-Encoding the action server doesn't read."""


def inflate(raw: bytes, encoding: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """Decompress a deflate/gzip body, stopping as soon as it would pass `limit` bytes (TooLarge): the output is
    never allowed to grow past limit + 1 bytes, whatever the ratio."""
    inflater = zlib.decompressobj(_WBITS[encoding])
    out = inflater.decompress(raw, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLarge()
    out += inflater.flush(limit + 1 - len(out))
    if len(out) > limit:
        raise TooLarge()
    return out


def action_call_problem(body: Any) -> str | None:
    """Why a body isn't a Rasa action call, or None when its shape is right."""
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    if not isinstance(body.get("next_action"), str) or not body["next_action"]:
        return '"next_action" must be a non-empty string.'
    tracker = body.get("tracker")
    if not isinstance(tracker, dict):
        return '"tracker" must be an object.'
    checks = {"sender_id": str, "slots": dict, "latest_message": dict, "events": list}
    for key, kind in checks.items():
        if not isinstance(tracker.get(key), kind):
            return f'"tracker.{key}" must be a {kind.__name__}.'
    if not all(isinstance(event, dict) for event in tracker["events"]):
        return '"tracker.events" must be a list of objects.'
    if not isinstance(body.get("domain", {}), dict):
        return '"domain" must be an object.'
    return None


def read_body(request: Request) -> Any:
    raw = request.body or b""
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in _WBITS:
        raw = inflate(raw, encoding)
    elif encoding != "identity":
        raise UnsupportedEncoding(encoding)
    return json.loads(raw)


def check_request(request: Request) -> Any | None:
    """The error reply for a /webhook call that must not reach the actions (too large, not JSON, wrong shape),
    or None."""
    if len(request.body or b"") > MAX_BODY_BYTES:
        return response.json({"error": "The request is too large."}, status=413)
    try:
        body = read_body(request)
    except TooLarge:
        return response.json({"error": "The request is too large."}, status=413)
    except UnsupportedEncoding:
        return response.json({"error": "Unsupported Content-Encoding."}, status=415)
    except (ValueError, zlib.error):
        return response.json({"error": "The body must be JSON."}, status=400)
    if request.headers.get("Content-Encoding", "").strip().lower() in ("gzip", "x-gzip"):
        # rasa_sdk's handler reads only deflate (what Rasa sends): a gzip body would not be readable there
        return response.json({"error": "Unsupported Content-Encoding."}, status=415)
    problem = action_call_problem(body)
    if problem:
        return response.json({"error": problem}, status=400)
    return None


def harden(app: Sanic) -> Sanic:
    @app.on_request
    async def check_action_call(request: Request):
        if request.path != "/webhook" or request.method != "POST":
            return None
        return check_request(request)

    @app.exception(Exception)
    async def action_failed(request: Request, exception: Exception):
        status = getattr(exception, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            return response.json({"error": "Bad request."}, status=status)
        logger.error("An action failed (%s).", type(exception).__name__)
        return response.json({"error": "The action could not run on this conversation."}, status=400)

    return app


def create_app(action_package_name: Any = "actions", cors_origins: Any = None, auto_reload: bool = False) -> Sanic:
    return harden(endpoint.create_app(action_package_name, cors_origins=cors_origins, auto_reload=auto_reload))


def main() -> None:
    args = endpoint.create_argument_parser().parse_args()
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions or "actions", cors_origins=args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
