"""The one process supervisor behind `make run`, `make shell`, `make eval`, `make run-cluster`, the benches and the
server tests: it starts child processes on loopback, waits until they serve, logs them and stops them.

- Each child runs in a process group of its own (start_new_session), so stopping it also stops whatever it
  started; `stop(name, hard=True)` is a SIGKILL (the kill tests), `restart(name)` starts the same command again.
- Each run writes its logs to a directory of its own, build/logs/<kind>-<time>-<pid>-<random>/<name>.log: a run
  never reads (or appends to) an older run's lines. The parent closes its copy of a log file as soon as the child
  has it. build/logs/ stays the one root the privacy log tests scan.
- A run's generated files (endpoints, nginx.conf, Redis's empty --dir) live in build/run/<run id>/, removed at stop.
- Readiness: a URL that must answer (any HTTP reply) or a callable that must return True.
- `free_port()` hands out a port outside the kernel's ephemeral range (which outgoing connections draw from), and
  never the same one twice in a process. If a child still dies at start with "address already in use" (another
  program took the port in between), wait_ready raises PortInUse and `Configuration.__enter__` starts the whole
  configuration again on new ports (only ports the caller did not choose).

Standard library only; ops/services.py and ops/cluster.py are configurations of it (which processes, ports, env).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOG_ROOT = ROOT / "build" / "logs"
RUN_ROOT = ROOT / "build" / "run"
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "HF_HUB_OFFLINE": "1",
    "PYTHONUNBUFFERED": "1",
}
ADDRESS_IN_USE = re.compile(r"address already in use|errno 98\b|\(98: ", re.IGNORECASE)
START_ATTEMPTS = 3
RUN_NAME = re.compile(r"^[a-z]+-\d{8}-\d{6}-(\d+)-[0-9a-f]{6}$")  # <kind>-<date>-<time>-<pid>-<random>
KEEP_OLD_RUNS_SECONDS = 24 * 3600

Check = str | Callable[[], bool] | None

_given_ports: set[int] = set()
# the OS's randomness, not the `random` module's state (tests may seed that: two test runs would then try the same
# ports in the same order)
_port_chooser = random.SystemRandom()


def _ephemeral_range() -> range:
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return range(low, high + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port() -> int:
    """A loopback port nothing listens on now: outside the ephemeral range when possible (so an outgoing
    connection can't take it before our server binds), never one this process handed out before."""
    ephemeral = _ephemeral_range()
    for _ in range(200):
        port = _port_chooser.randint(20000, 65535)
        if port in ephemeral or port in _given_ports:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given_ports.add(port)
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # a crowded machine: the kernel's choice
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _given_ports.add(port)
    return port


REST_WEBHOOK = "/webhooks/rest/webhook"  # the bot's REST channel (gsdoa_nlu/channels.py), below a Rasa server's URL


def loopback(port: int, path: str = "") -> str:
    """http://127.0.0.1:<port><path>: every server here listens on loopback only."""
    return f"http://127.0.0.1:{port}{path}"


def http_get(url: str, timeout: float = 2.0) -> bytes | None:
    """The body of a successful GET, or None (nothing answers, or an HTTP error status)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.read()
    except (urllib.error.URLError, OSError, ValueError):
        return None


def stop_process_group(process: subprocess.Popen | None, hard: bool = False, timeout: float = 15.0) -> None:
    """Stop a child started with start_new_session=True and everything it started (SIGTERM, then SIGKILL)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL if hard else signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def wait_until(
    condition: Callable[[], object], timeout: float, interval: float = 0.2, message: str = "condition"
) -> object:
    """Poll `condition` until it returns something true (returned) or `timeout` seconds pass (TimeoutError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{message}: not met after {timeout:.0f} s")
        time.sleep(interval)


def prune_old_runs(root: Path, keep_seconds: float = KEEP_OLD_RUNS_SECONDS) -> list[Path]:
    """Remove the run directories under `root` whose process is gone and that are older than `keep_seconds` (so
    build/logs/ doesn't grow without end); the ones removed."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for path in root.iterdir():
        match = RUN_NAME.match(path.name)
        if not match or not path.is_dir() or Path(f"/proc/{match.group(1)}").exists():
            continue
        try:
            old = time.time() - path.stat().st_mtime > keep_seconds
        except OSError:
            continue
        if old:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class PortInUse(RuntimeError):
    """A child exited at start because its port was taken."""


@dataclass
class Spec:
    """How to (re)start one child."""

    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready: Check = None
    stdin_text: str | None = None


class Supervisor:
    """Named children of one run: spawn, wait_ready, stop (ordered), restart, kill; logs under build/logs/<run id>/."""

    def __init__(
        self, kind: str, env: dict[str, str] | None = None, log_root: Path = LOG_ROOT, run_root: Path = RUN_ROOT
    ) -> None:
        self.run_id = f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
        for root in (log_root, run_root):
            prune_old_runs(root)
        self.log_dir = log_root / self.run_id
        self.work_dir = run_root / self.run_id
        self.env = {**QUIET_ENV, **(env or {})}
        self.processes: dict[str, subprocess.Popen] = {}
        self.specs: dict[str, Spec] = {}
        self.started_at: dict[str, float] = {}

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def spawn(
        self,
        name: str,
        command: list[str],
        env: dict[str, str] | None = None,
        ready: Check = None,
        stdin_text: str | None = None,
    ) -> subprocess.Popen:
        """Start `command` as `name` (its own process group, cwd ROOT); `ready` is what wait_ready waits for."""
        self.stop(name)
        spec = Spec(list(command), dict(env or {}), ready, stdin_text)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        mode = "a" if name in self.specs else "w"  # a restart continues its log; a new run starts an empty one
        self.specs[name] = spec
        with open(self.log_path(name), mode, encoding="utf-8") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                spec.command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env, **spec.env},
                start_new_session=True,
                stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
            )
        if stdin_text is not None:
            assert process.stdin is not None
            with process.stdin:
                process.stdin.write(stdin_text.encode())
        self.processes[name] = process
        self.started_at[name] = time.monotonic()
        return process

    def is_ready(self, name: str) -> bool:
        check = self.specs[name].ready
        if check is None:
            return True
        if isinstance(check, str):
            return http_get(check) is not None
        try:
            return bool(check())
        except OSError:
            return False

    def failure_text(self, name: str, limit: int = 3000) -> str:
        """The end of the child's log and of any log named after it (nginx's own error logs)."""
        paths = [self.log_path(name), *sorted(self.log_dir.glob(f"{name}-*.log"))]
        return "\n".join(path.read_text(encoding="utf-8", errors="replace")[-limit:] for path in paths if path.exists())

    def wait_ready(self, names: Iterable[str] | None = None, timeout: float = 180.0) -> dict[str, float]:
        """Block until every named child (default: all with a check) is ready; seconds each took since its
        start. A child that exits first raises PortInUse (its port was taken) or RuntimeError (its log's end)."""
        pending = [
            name
            for name in (names if names is not None else self.processes)
            if name in self.processes and self.specs[name].ready is not None
        ]
        took: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while pending:
            for name in list(pending):
                process = self.processes[name]
                if process.poll() is not None:
                    tail = self.failure_text(name)
                    error = PortInUse if ADDRESS_IN_USE.search(tail) else RuntimeError
                    raise error(f"{name} exited with code {process.returncode} (log: {self.log_path(name)}):\n{tail}")
                if self.is_ready(name):
                    pending.remove(name)
                    took[name] = time.monotonic() - self.started_at[name]
            if pending:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"not ready after {timeout:.0f} s: {', '.join(pending)} (logs in {self.log_dir})"
                    )
                time.sleep(0.25)
        return took

    def exited(self) -> dict[str, int]:
        """{name: exit code} of the children that have stopped on their own."""
        return {name: process.returncode for name, process in self.processes.items() if process.poll() is not None}

    def stop(self, name: str, hard: bool = False, timeout: float = 15.0) -> None:
        """Stop one child (SIGTERM to its group, SIGKILL after `timeout`; `hard`: SIGKILL at once)."""
        stop_process_group(self.processes.pop(name, None), hard=hard, timeout=timeout)

    def forget(self, name: str) -> None:
        """Drop a child that exited on its own (it won't be restarted or waited for)."""
        self.processes.pop(name, None)

    def restart(self, name: str, timeout: float = 180.0) -> None:
        """Stop `name` if it runs, start its command again and wait until it is ready."""
        spec = self.specs[name]
        self.spawn(name, spec.command, spec.env, spec.ready, spec.stdin_text)
        self.wait_ready([name], timeout=timeout)

    def stop_all(self) -> None:
        """Stop the children in the reverse order of their start, then remove the run's generated files."""
        for name in reversed(list(self.processes)):
            self.stop(name)
        shutil.rmtree(self.work_dir, ignore_errors=True)


class StopRequest:
    """Ctrl-C / SIGTERM set `requested` (installed at creation): a command finishes starting, then stops cleanly."""

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGINT, self._request)
        signal.signal(signal.SIGTERM, self._request)

    def _request(self, *_: object) -> None:
        self.requested = True


def watch(supervisor: Supervisor, stop: StopRequest, optional: Iterable[str] = ()) -> int:
    """Until a stop is requested: 0. A child that exits on its own: 1, unless it is `optional` (then it is
    reported, dropped, and the others keep running)."""
    while not stop.requested:
        for name, code in supervisor.exited().items():
            print(f"{name} stopped unexpectedly (code {code}); see {supervisor.log_path(name)}.", flush=True)
            if name not in optional:
                return 1
            supervisor.forget(name)
        time.sleep(0.5)
    return 0


class Configuration:
    """Base of a configuration of the supervisor (ops.services.BotServices, ops.cluster.Cluster): a context
    manager that starts (start()), and on PortInUse stops everything, picks new ports (reassign_ports()) and
    starts again, up to START_ATTEMPTS times; always stops everything on the way out."""

    kind = "run"
    supervisor: Supervisor

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        return self.supervisor.processes

    @property
    def log_dir(self) -> Path:
        return self.supervisor.log_dir

    def log_path(self, name: str) -> Path:
        return self.supervisor.log_path(name)

    def start(self) -> Configuration:
        raise NotImplementedError

    def stop_all(self) -> None:
        self.supervisor.stop_all()

    def reassign_ports(self) -> bool:
        """Pick new ports for the ports the caller did not choose; False when there are none to change."""
        return False

    def __enter__(self):
        for attempt in itertools.count(1):
            try:
                return self.start()
            except PortInUse:
                self.stop_all()
                if attempt >= START_ATTEMPTS or not self.reassign_ports():
                    raise
                print(
                    f"A port was taken while starting; trying again on new ports ({attempt}/{START_ATTEMPTS - 1})",
                    file=sys.stderr,
                    flush=True,
                )
            except BaseException:
                self.stop_all()
                raise

    def __exit__(self, *exc) -> None:
        self.stop_all()
