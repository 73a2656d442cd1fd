"""The production shape on one machine: Redis + N Rasa servers + the action server behind nginx, on loopback.

    python -m ops.cluster run [--rasa-servers 2] [--port 8090]     # until Ctrl-C (`make run-cluster`)

Every Rasa server is stateless: conversations (tracker store) and per-conversation locks (lock store) live in
Redis (deploy/endpoints.production.yml), so nginx can send any message to any server and a crashed server loses
no conversation. Redis keeps conversations in memory only (`--save "" --appendonly no`: no snapshot, no
append-only file), so a deleted (/forget) or expired conversation leaves no copy on disk; the price is that a
Redis restart loses the conversations in progress (they live TRACKER_EXPIRY_SECONDS at most anyway, default 4
hours, PRIVACY.md). Redis asks for a password (random per run, given to Redis on stdin and to Rasa in its
environment as REDIS_PASSWORD, never written to a file), as in production. Rasa runs without
`--enable-api`, at WARNING level (no user text in logs), and nginx exposes only the webhook paths, the widget
files and /health (deploy/nginx.conf.template). The Telegram bridge (start_telegram) reaches Rasa through a
second, loopback-only nginx server with the same upstreams but no per-client limit and no public marker
(`private_url`). Debian's `redis-server` and `nginx` are used (apt).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from ops.services import DEFAULT_MODEL, ROOT, VENV_BIN, action_server_command, free_port, origins_or_exit, rasa_command
from ops.supervisor import LOG_ROOT, REST_WEBHOOK, Configuration, StopRequest, Supervisor, loopback, watch

LOG_DIR = LOG_ROOT  # every run's logs are in a directory of its own under it (Cluster.log_dir)
DEFAULT_EXPIRY_SECONDS = 4 * 3600
PRODUCTION_ENDPOINTS = ROOT / "deploy" / "endpoints.production.yml"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
BINARIES = {
    "redis": os.environ.get("REDIS_SERVER", "/usr/bin/redis-server"),
    "nginx": os.environ.get("NGINX", "/usr/sbin/nginx"),
}


def require_binaries() -> None:
    missing = [path for path in BINARIES.values() if not Path(path).exists()]
    if missing:
        raise FileNotFoundError(
            f"Not installed: {', '.join(missing)}. Run `make cluster-tools` (apt-get install redis-server nginx)."
        )


# Left as ${VAR} in the rendered file: Rasa expands it from its environment (a secret never goes to disk).
FROM_ENVIRONMENT = {"REDIS_PASSWORD"}


def render_endpoints(action_url: str, redis_port: int, expiry_seconds: int) -> str:
    """deploy/endpoints.production.yml with this machine's values (Rasa would read them from the environment);
    REDIS_PASSWORD stays a ${…} reference that Rasa fills from its environment."""
    values = {
        "ACTION_SERVER_URL": action_url,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis_port),
        "TRACKER_EXPIRY_SECONDS": str(expiry_seconds),
    }
    text = PRODUCTION_ENDPOINTS.read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        key, name = match.group(1), match.group(2)
        if name in FROM_ENVIRONMENT:
            return match.group(0)
        return key + (f'"{values[name]}"' if name == "ACTION_SERVER_URL" else values[name])

    return re.sub(r'(?m)^(\s*\w+:\s*)"?\$\{(\w+)\}"?[ \t]*$', fill, text)


def render_nginx(
    port: int,
    rasa_ports: list[int],
    run_dir: Path,
    error_log: Path,
    telegram_port: int | None = None,
    telegram_path: str = "/telegram/webhook",
    rate: int = 10,
    burst: int = 20,
    body_limit: str = "16k",
    widget_dir: Path = ROOT / "bot" / "web" / "widget",
    private_port: int | None = None,
    allowed_origins: Sequence[str] = (),
) -> str:
    """The nginx configuration: the public server on `port`, and on `private_port` the Telegram bridge's private
    way to the same Rasa servers (no per-client limit, not marked public; see the template)."""
    # max_fails=0: never mark a server down for everyone; each request that meets a dead server goes on to the
    # next one at once (connection refused is instant on loopback), so there is always a live upstream.
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in rasa_ports)
    return NGINX_TEMPLATE.read_text(encoding="utf-8").format(
        run_dir=run_dir,
        error_log=error_log,
        port=port,
        upstream_servers=servers,
        rate=rate,
        burst=burst,
        body_limit=body_limit,
        telegram_path=telegram_path,
        telegram_url=f"http://127.0.0.1:{telegram_port or 9}{telegram_path}",
        widget_dir=widget_dir,
        private_port=private_port or free_port(),
        # The chat frame may be framed only by the allowed origins (the same list as Rasa's --cors); its
        # /widget/config.json says the same, and that its REST channel is its own origin ("server": "").
        frame_ancestors=" ".join(["'self'", *allowed_origins]),
        frame_config=json.dumps({"server": "", "origins": list(allowed_origins)}),
    )


def nginx_command(run_dir: Path, config: Path, startup_log: Path) -> list[str]:
    """How nginx runs here (the cluster, the tests): in the foreground, `run_dir` as its prefix, errors before its
    configuration's error_log is open to `startup_log`."""
    return [BINARIES["nginx"], "-p", str(run_dir), "-c", str(config), "-g", "daemon off;", "-e", str(startup_log)]


def nginx_home() -> Path:
    """A directory nginx's workers can read and write whatever the checkout's permissions: run as root, nginx
    serves files as `nobody`, who can't enter a checkout in a mode-0700 home. It gets a copy of the widget (what
    nginx serves) and nginx's temp paths; removed by Cluster.stop_all."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="gsdoa-nginx-"))
    shutil.copytree(ROOT / "bot" / "web" / "widget", home / "widget")
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return home


class RedisError(str):
    """An error reply from Redis ("-ERR …")."""


RedisReply = object  # bytes | int | list | None | RedisError


def _resp_command(args) -> bytes:
    parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def _resp_read(reader) -> RedisReply:
    line = reader.readline()
    if not line:
        raise ConnectionError("Redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest
    if kind == b"-":
        return RedisError(rest.decode(errors="replace"))
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        data = reader.read(size + 2)
        return data[:-2]
    if kind == b"*":
        size = int(rest)
        return None if size < 0 else [_resp_read(reader) for _ in range(size)]
    raise ConnectionError(f"unexpected Redis reply {line[:20]!r}")


class Cluster(Configuration):
    """Redis, the action server, `servers` Rasa servers and nginx (a configuration of ops/supervisor.py); a context
    manager for tests. Logs: build/logs/cluster-<run id>/<name>.log; generated files: build/run/<run id>/."""

    kind = "cluster"

    def __init__(
        self,
        servers: int = 2,
        port: int | None = None,
        model: Path = DEFAULT_MODEL,
        expiry_seconds: int = DEFAULT_EXPIRY_SECONDS,
        cors: list[str] | None = None,
        rate: int = 10,
        burst: int = 20,
        log_level: str = "WARNING",
    ) -> None:
        self.fixed_port = port
        self.servers = servers
        self._pick_ports()
        self.model = Path(model)
        self.expiry_seconds = expiry_seconds
        self.cors = list(cors or [])
        self.rate, self.burst = rate, burst
        self.log_level = log_level
        # TICKET_LOCK_LIFETIME: a server killed mid-message leaves its conversation lock in Redis; it expires
        # after 10 s (Rasa's default is 60 s) so another server can take over quickly.
        self.supervisor = Supervisor(
            self.kind, {"LOG_LEVEL": log_level, "LOG_LEVEL_LIBRARIES": "ERROR", "TICKET_LOCK_LIFETIME": "10"}
        )
        self.dir = self.supervisor.work_dir
        self.redis_dir = self.dir / "redis"  # Redis's --dir: stays empty (no snapshot, no append-only file)
        self.redis_password = secrets.token_hex(16)
        # Rasa's REST channel accepts `tg-` conversation ids only with this secret (X-GSDOA-Bridge), which only the
        # bridge gets: other local processes reaching nginx's private port can't act as a Telegram chat.
        self.bridge_secret = os.environ.get("BRIDGE_SHARED_SECRET") or secrets.token_hex(16)
        self.nginx_home: Path | None = None

    def _pick_ports(self) -> None:
        self.port = self.fixed_port or free_port()
        self.redis_port = free_port()
        self.action_port = free_port()
        self.rasa_ports = [free_port() for _ in range(self.servers)]
        self.telegram_port = free_port()  # the Telegram bridge's webhook server, when one runs (see _run)
        self.private_port = free_port()  # nginx's loopback-only server for the bridge (no per-client limit)

    def reassign_ports(self) -> bool:
        self._pick_ports()
        return True

    # ---- urls (loopback) ----------------------------------------------------------------------------------
    url = property(lambda self: loopback(self.port), doc="nginx's public server")
    rest_url = property(lambda self: loopback(self.port, REST_WEBHOOK), doc="the REST channel through nginx")
    private_url = property(
        lambda self: loopback(self.private_port),
        doc="Where the Telegram bridge reaches Rasa: nginx's private server (same servers, no per-client limit).",
    )

    def rasa_rest_url(self, index: int) -> str:
        """One Rasa server's REST channel, past nginx."""
        return loopback(self.rasa_ports[index], REST_WEBHOOK)

    def ready_check(self, name: str):
        """What `name` must answer before it counts as started (see Supervisor.wait_ready)."""
        if name == "redis":
            return lambda: self.redis_command("PING") == "PONG"
        if name == "actions":
            return loopback(self.action_port, "/health")
        if name == "nginx":
            return loopback(self.port, "/health")
        if name.startswith("nginx-"):  # start_extra_nginx's, named after its port
            return loopback(int(name[len("nginx-") :]), "/health")
        if name.startswith("rasa"):
            return loopback(self.rasa_ports[int(name[len("rasa") :])], "/webhooks/rest/")
        return None

    # ---- processes ----------------------------------------------------------------------------------------
    def _spawn(
        self, name: str, command: list[str], env_extra: dict[str, str] | None = None, stdin_text: str | None = None
    ) -> None:
        self.supervisor.spawn(name, command, env_extra, self.ready_check(name), stdin_text)

    def start_redis(self) -> None:
        # Conversations in memory only: no RDB snapshot (--save ""), no append-only file (--appendonly no), so
        # nothing of a deleted or expired conversation stays on disk (tests/cluster/test_store.py). The password
        # is read from stdin ("-": config from stdin), not from the command line or a file.
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        self._spawn(
            "redis",
            [
                BINARIES["redis"],
                "-",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--protected-mode",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.redis_dir),
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdin_text=f"requirepass {self.redis_password}\n",
        )

    def start_actions(self) -> None:
        self._spawn("actions", action_server_command(self.action_port))

    def start_rasa(self, index: int) -> None:
        endpoints = self.dir / "endpoints.yml"
        self._spawn(
            f"rasa{index}",
            rasa_command(self.model, self.rasa_ports[index], endpoints, self.cors),
            {"REDIS_PASSWORD": self.redis_password, "BRIDGE_SHARED_SECRET": self.bridge_secret},
        )

    def _nginx_run_dir(self, name: str) -> Path:
        self.nginx_home = self.nginx_home or nginx_home()
        run_dir = self.nginx_home / name
        run_dir.mkdir(mode=0o755, exist_ok=True)
        return run_dir

    def _nginx(self, name: str, port: int, rate: int, burst: int, **extra) -> None:
        """One nginx (`name`) on `port` in front of the Rasa servers, its config in the run's directory."""
        run_dir = self._nginx_run_dir(name)
        config = self.dir / f"{name}.conf"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            render_nginx(
                port,
                self.rasa_ports,
                run_dir,
                self.log_path(f"{name}-error"),
                rate=rate,
                burst=burst,
                widget_dir=run_dir.parent / "widget",  # the copy in nginx's home (nginx_home)
                allowed_origins=self.cors,
                **extra,
            ),
            encoding="utf-8",
        )
        self._spawn(name, nginx_command(run_dir, config, self.log_path(f"{name}-startup")))

    def start_nginx(self) -> None:
        self._nginx(
            "nginx", self.port, self.rate, self.burst, telegram_port=self.telegram_port, private_port=self.private_port
        )

    def start_extra_nginx(self, rate: int, burst: int) -> str:
        """A second nginx in front of the same servers with other limits (the rate-limit test); its URL."""
        port = free_port()
        name = f"nginx-{port}"
        self._nginx(name, port, rate, burst)
        self.supervisor.wait_ready([name], timeout=20)
        return loopback(port)

    def start_telegram(self, env_extra: dict[str, str] | None = None) -> None:
        """The Telegram bridge relaying to nginx's private server (not the public one: its per-client limit would
        count all Telegram users as one client); in webhook mode nginx passes /telegram/webhook to it."""
        self._spawn(
            "telegram",
            [str(VENV_BIN / "python"), "-m", "bot.telegram"],
            {
                "RASA_URL": self.private_url,
                "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                "TELEGRAM_WEBHOOK_PORT": str(self.telegram_port),
                "TELEGRAM_WEBHOOK_PATH": "telegram/webhook",
                "BRIDGE_SHARED_SECRET": self.bridge_secret,
                **(env_extra or {}),
            },
        )

    def stop(self, name: str, hard: bool = False, timeout: float = 15.0) -> None:
        """Stop one part (`hard`: SIGKILL, no graceful shutdown)."""
        self.supervisor.stop(name, hard=hard, timeout=timeout)

    def wait_ready(self, names: list[str] | None = None, timeout: float = 240.0) -> None:
        self.supervisor.wait_ready(names, timeout=timeout)

    def wait_redis(self, timeout: float = 20.0) -> None:
        self.supervisor.wait_ready(["redis"], timeout=timeout)

    def redis_command(self, *args: str) -> str | None:
        """One Redis command (authenticated); a simple reply as text ("PONG", "1", an error), None when Redis
        can't be reached. See redis_call for the full, binary-safe reply."""
        try:
            reply = self.redis_call(*args)
        except OSError:
            return None
        if isinstance(reply, bytes):
            return reply.decode(errors="replace")
        if isinstance(reply, RedisError):
            return str(reply)
        return None if reply is None else str(reply)

    def redis_call(self, *args: str, db: int = 0) -> RedisReply:
        """A Redis command over a plain socket (RESP, no redis-cli), after AUTH and SELECT db. Replies are
        parsed binary-safe: bytes for strings, int, list, None, RedisError. Raises OSError if Redis is down."""
        with socket.create_connection(("127.0.0.1", self.redis_port), timeout=5) as sock:
            reader = sock.makefile("rb")
            for command in (("AUTH", self.redis_password), ("SELECT", str(db)), args):
                sock.sendall(_resp_command(command))
                reply = _resp_read(reader)
            return reply

    def start(self) -> Cluster:
        require_binaries()
        if not self.model.exists():
            raise FileNotFoundError(f"No trained model at {self.model} — run `make train` first.")
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "endpoints.yml").write_text(
            render_endpoints(loopback(self.action_port, "/webhook"), self.redis_port, self.expiry_seconds),
            encoding="utf-8",
        )
        self.start_redis()
        self.wait_redis()
        self.start_actions()
        for index in range(len(self.rasa_ports)):
            self.start_rasa(index)
        self.start_nginx()
        self.wait_ready()
        return self

    def restart(self, name: str, timeout: float = 240.0) -> None:
        """Start one part again, the same way, and wait until it serves (rasa0, rasa1…, actions, redis, nginx)."""
        self.supervisor.restart(name, timeout=timeout)

    def stop_all(self) -> None:
        """Stop every part (the reverse of their start), then remove the run's generated files and nginx's home."""
        self.supervisor.stop_all()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.nginx_home:
            shutil.rmtree(self.nginx_home, ignore_errors=True)
            self.nginx_home = None


def _run(args: argparse.Namespace) -> int:
    cluster = Cluster(
        servers=args.rasa_servers,
        port=args.port,
        expiry_seconds=int(os.environ.get("TRACKER_EXPIRY_SECONDS", DEFAULT_EXPIRY_SECONDS)),
        cors=origins_or_exit(),
    )  # WEB_ALLOWED_ORIGINS, checked: '*' stops here
    stop = StopRequest()
    print(f"Starting Redis, the action server, {args.rasa_servers} Rasa servers and nginx…", flush=True)
    with cluster:
        if os.environ.get("TELEGRAM_BOT_TOKEN"):
            cluster.start_telegram()
            print(
                f"Telegram bridge: {os.environ.get('TELEGRAM_MODE', 'polling')} mode, relaying through nginx's "
                f"private server ({cluster.private_url})."
            )
        else:
            print("Telegram: off (export TELEGRAM_BOT_TOKEN=… to relay a Telegram bot through this cluster).")
        print(
            f"Ready: {cluster.url}/webhooks/rest/webhook (REST), {cluster.url}/widget/widget.js, "
            f"{cluster.url}/health\nLogs: {cluster.log_dir}/\nPress Ctrl-C to stop.",
            flush=True,
        )
        return watch(cluster.supervisor, stop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the cluster until Ctrl-C")
    run.add_argument("--rasa-servers", type=int, default=int(os.environ.get("RASA_SERVERS", 2)))
    run.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8090)))
    args = parser.parse_args(argv)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
