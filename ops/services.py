"""Start and stop the bot's processes (action server + Rasa server) on loopback, for people and for tests.

    python -m ops.services run   [--rasa-port 5005 --action-port 5055]   # until Ctrl-C
    python -m ops.services shell [...]                                   # terminal chat, then stop
    python -m ops.services eval --cases ../shared/eval/dev_cases.jsonl   # free ports, run e2e.py, stop

A configuration of the one supervisor (ops/supervisor.py: process groups, logs per run under build/logs/,
readiness, ordered stop, a new start on new ports when one was taken): which processes, which ports, which
environment. Only the standard library is used here; rasa and the action server run as child processes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bot import rest_client
from bot.web.origins import allowed_origins, web_origins  # the --cors list, re-exported for ops and tests
from ops.supervisor import (
    QUIET_ENV,
    REST_WEBHOOK,
    ROOT,
    VENV_BIN,
    Configuration,
    StopRequest,
    Supervisor,
    free_port,
    http_get,
    loopback,
    stop_process_group,
    watch,
)

__all__ = [
    "BotServices",
    "DEFAULT_MODEL",
    "QUIET_ENV",
    "ROOT",
    "VENV_BIN",
    "allowed_origins",
    "free_port",
    "http_get",
    "local_endpoints",
    "main",
    "origins_or_exit",
    "post_message",
    "stop_process_group",
    "web_origins",
]

DEFAULT_MODEL = ROOT / "models" / "gsdoa.tar.gz"
E2E_TOOL = ROOT.parent / "shared" / "eval" / "e2e.py"


def post_message(url: str, sender: str, message: str, timeout: float = 30.0) -> list[dict]:
    """One message over the REST channel (bot/rest_client.send)."""
    return rest_client.send(url, sender, message, timeout=timeout)


def local_endpoints(action_url: str) -> str:
    """endpoints.yml (tracker store included) with the action server's URL on this run's port."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    return re.sub(r'(action_endpoint:\s*\n\s*url:\s*)"[^"]*"', lambda m: f'{m.group(1)}"{action_url}"', text, count=1)


def action_server_command(port: int) -> list[str]:
    """How the action server starts, wherever it runs (here and in the cluster)."""
    return [str(VENV_BIN / "python"), "-m", "actions.server", "--actions", "actions", "--port", str(port)]


def rasa_command(model: Path, port: int, endpoints: Path, cors: list[str]) -> list[str]:
    """How a Rasa server starts, wherever it runs: loopback only, our credentials (the REST channel), --cors for
    the web pages allowed to call it."""
    return [
        str(VENV_BIN / "rasa"),
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
    ] + (["--cors", *cors] if cors else [])


class BotServices(Configuration):
    """The action server and the Rasa server as child processes on 127.0.0.1 (a configuration of
    ops/supervisor.py).

    Use as a context manager; `start_actions=False` runs Rasa alone (to test the bot with the action server
    down). Logs go to build/logs/services-<run id>/<name>.log."""

    kind = "services"

    def __init__(
        self,
        rasa_port: int | None = None,
        action_port: int | None = None,
        model: Path = DEFAULT_MODEL,
        start_actions: bool = True,
        log_level: str = "INFO",
        cors: list[str] | None = None,
    ) -> None:
        self.fixed_ports = {"rasa": rasa_port is not None, "actions": action_port is not None}
        self.rasa_port = rasa_port or free_port()
        self.action_port = action_port or free_port()
        self.model = Path(model)
        self.start_actions = start_actions
        self.log_level = log_level
        self.cors = list(cors or [])  # origins whose pages may call the REST channel (the web widget)
        self.supervisor = Supervisor(self.kind, {"LOG_LEVEL": log_level})
        self.started_at: float | None = None
        self.ready_after: float | None = None

    # ---- urls (loopback) ----------------------------------------------------------------------------------
    base_url = property(lambda self: loopback(self.rasa_port), doc="Rasa's own URL")
    rest_url = property(lambda self: loopback(self.rasa_port, REST_WEBHOOK), doc="the REST channel's webhook")
    action_url = property(lambda self: loopback(self.action_port, "/webhook"), doc="the action server's webhook")

    # ---- lifecycle ----------------------------------------------------------------------------------------
    def start_action_server(self) -> None:
        self.supervisor.spawn(
            "actions", action_server_command(self.action_port), ready=loopback(self.action_port, "/health")
        )

    def start_rasa(self) -> None:
        if not self.model.exists():
            raise FileNotFoundError(f"No trained model at {self.model} — run `make train` first.")
        endpoints = self.supervisor.work_dir / "endpoints.yml"
        endpoints.parent.mkdir(parents=True, exist_ok=True)
        endpoints.write_text(local_endpoints(self.action_url), encoding="utf-8")
        self.started_at = time.monotonic()
        self.supervisor.spawn(
            "rasa",
            rasa_command(self.model, self.rasa_port, endpoints, self.cors),
            ready=loopback(self.rasa_port, "/webhooks/rest/"),
        )

    def start_telegram(self, env_extra: dict[str, str] | None = None) -> subprocess.Popen:
        """The Telegram bridge (bot/telegram) relaying to this Rasa; settings from the environment."""
        return self.supervisor.spawn(
            "telegram",
            [str(VENV_BIN / "python"), "-m", "bot.telegram"],
            {"RASA_URL": self.base_url, **(env_extra or {})},
        )

    def start_web(self, port: int, embed_port: int) -> subprocess.Popen:
        """The demo page + widget files (bot/web/server.py); the pages call this Rasa (allowed by --cors)."""
        return self.supervisor.spawn(
            "web",
            [
                str(VENV_BIN / "python"),
                "-m",
                "bot.web.server",
                "--port",
                str(port),
                "--embed-port",
                str(embed_port),
                "--rasa",
                self.base_url,
            ],
        )

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Block until the REST channel (and the action server) answer (Rasa loads the model before it serves)."""
        took = self.supervisor.wait_ready(["actions", "rasa"], timeout=timeout)
        if "rasa" in took:
            self.ready_after = took["rasa"]

    def start(self) -> BotServices:
        if self.start_actions:
            self.start_action_server()
        self.start_rasa()
        self.wait_ready()
        return self

    def reassign_ports(self) -> bool:
        changed = False
        if not self.fixed_ports["rasa"]:
            self.rasa_port, changed = free_port(), True
        if not self.fixed_ports["actions"]:
            self.action_port, changed = free_port(), True
        return changed

    def stop_process(self, name: str, timeout: float = 15.0) -> None:
        self.supervisor.stop(name, timeout=timeout)

    def stop(self) -> None:
        self.stop_all()


# ---- command line -------------------------------------------------------------------------------------------
def origins_or_exit(*ports: int) -> list[str]:
    """web_origins for a command: a bad WEB_ALLOWED_ORIGINS stops it with a clear message, not a traceback."""
    try:
        return web_origins(*ports)
    except ValueError as error:
        print(f"Not started: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def _run(args: argparse.Namespace) -> int:
    services = BotServices(args.rasa_port, args.action_port, cors=origins_or_exit(args.web_port, args.embed_port))
    print("Starting the action server and Rasa (loading the model takes ~15–30 s)…", flush=True)
    stop = StopRequest()
    with services:
        services.start_web(args.web_port, args.embed_port)
        if os.environ.get("TELEGRAM_BOT_TOKEN"):
            services.start_telegram()
            telegram_note = (
                f"Telegram: the bridge is polling for your bot's messages (log: {services.log_path('telegram')})."
            )
        else:
            telegram_note = (
                "Telegram: off. To chat on Telegram, create a bot with @BotFather, then "
                "`export TELEGRAM_BOT_TOKEN=...` and run `make run` again (README, 'Telegram')."
            )
        print(
            f"\nThe bot is ready.\n"
            f"  Outreach demo page (full-screen chat, works offline): http://localhost:{args.web_port}/\n"
            f"  Widget embedded on another origin (for site owners):  http://127.0.0.1:{args.embed_port}/\n"
            f"REST channel on localhost:\n"
            f"  curl -s -X POST {services.rest_url} -H 'Content-Type: application/json' \\\n"
            f'       -d \'{{"sender": "me", "message": "can police arrest me if I call 911?"}}\'\n'
            f"  or chat in another terminal:  .venv/bin/python -m bot.terminal --url {services.rest_url}\n"
            f"Logs: {services.log_path('rasa')} and {services.log_path('actions')}\n"
            f"{telegram_note}\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        # the bridge or the web pages may stop (no internet, a wrong token, a busy port): the bot keeps running
        if watch(services.supervisor, stop, optional=("telegram", "web")):
            return 1
        print("\nStopping…", flush=True)
    print("Stopped.")
    return 0


def _shell(args: argparse.Namespace) -> int:
    from bot.terminal import chat

    print("Starting the bot (~15–30 s)…", flush=True)
    with BotServices(args.rasa_port, args.action_port) as services:
        return chat(services.rest_url)


def _eval(args: argparse.Namespace) -> int:
    cases = Path(args.cases).resolve()
    tool = Path(args.tool).resolve()
    with BotServices() as services:
        print(f"Bot ready on 127.0.0.1:{services.rasa_port}; running {tool.name} on {cases}", flush=True)
        command = [sys.executable, str(tool), services.rest_url, str(cases), "--show-fail", str(args.show_fail)]
        if args.json:
            command += ["--json", args.json]
        return subprocess.call(command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "shell"):
        command = sub.add_parser(name)
        command.add_argument("--rasa-port", type=int, default=5005)
        command.add_argument("--action-port", type=int, default=5055)
        command.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
        command.add_argument("--embed-port", type=int, default=int(os.environ.get("WEB_EMBED_PORT", 8081)))
    evaluate = sub.add_parser("eval")
    evaluate.add_argument("--cases", default=str(E2E_TOOL.parent / "dev_cases.jsonl"))
    evaluate.add_argument("--tool", default=str(E2E_TOOL))
    evaluate.add_argument("--show-fail", type=int, default=0)
    evaluate.add_argument("--json", default=None, help="also write the tool's JSON report here")
    args = parser.parse_args(argv)
    return {"run": _run, "shell": _shell, "eval": _eval}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
