"""The action server: rasa_sdk's, hardened. Run with `python -m actions.server --port 5055`.

Why not `python -m rasa_sdk` as is: it listens on every interface (0.0.0.0), answers a malformed request with a
500, and its error handler logs the request and sends the request body (the user's conversation) back in the
reply. Here the server listens on 127.0.0.1 unless SANIC_HOST says otherwise, a request that isn't shaped like
Rasa's action call gets a clear 400 before any action runs, and a failing action gets a short 400 that names no
user data; the log says which action failed, never what the user wrote.
"""
from __future__ import annotations

import json
import logging
import os
import zlib
from typing import Any, Optional

from rasa_sdk import endpoint, utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 2_000_000  # a whole tracker; Rasa's real calls are far smaller


def action_call_problem(body: Any) -> Optional[str]:
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
    if request.headers.get("Content-Encoding") == "deflate":
        raw = zlib.decompress(raw)
    return json.loads(raw)


def harden(app: Sanic) -> Sanic:
    @app.on_request
    async def check_action_call(request: Request):
        if request.path != "/webhook" or request.method != "POST":
            return None
        if len(request.body or b"") > MAX_BODY_BYTES:
            return response.json({"error": "The request is too large."}, status=413)
        try:
            body = read_body(request)
        except (ValueError, zlib.error):
            return response.json({"error": "The body must be JSON."}, status=400)
        problem = action_call_problem(body)
        if problem:
            return response.json({"error": problem}, status=400)
        return None

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
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app(args.actions or "actions", cors_origins=args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
