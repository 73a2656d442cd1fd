"""The one process supervisor (ops/supervisor.py) with small stand-in children (Python's http.server), and the one
REST client (bot/rest_client.py) against a stand-in channel: no Rasa, runs in seconds."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import rest_client
from ops import supervisor as sup


def web_server(port: int) -> list:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


@pytest.fixture
def supervisor(tmp_path):
    running = sup.Supervisor("test", log_root=tmp_path / "logs", run_root=tmp_path / "run")
    yield running
    running.stop_all()


def open_files() -> set:
    fd_dir = Path("/proc/self/fd")
    links = set()
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            links.add(os.readlink(fd))
    return links


def test_a_child_is_started_waited_for_logged_per_run_and_stopped(supervisor):
    port = sup.free_port()
    process = supervisor.spawn("web", web_server(port), {"GSDOA_TEST": "1"}, ready=f"http://127.0.0.1:{port}/")
    took = supervisor.wait_ready(timeout=30)
    assert set(took) == {"web"} and sup.http_get(f"http://127.0.0.1:{port}/") is not None
    assert os.getpgid(process.pid) == process.pid  # a process group of its own
    log = supervisor.log_path("web")
    assert log.parent == supervisor.log_dir and supervisor.run_id in str(log) and log.name == "web.log"
    assert str(log) not in open_files()  # the parent closed its copy: only the child writes the log
    sup.http_get(f"http://127.0.0.1:{port}/nothing-here")
    supervisor.stop("web")
    assert process.poll() is not None and "web" not in supervisor.processes
    assert "nothing-here" in log.read_text()  # the child's output is in its log


def test_each_run_has_its_own_log_directory_and_a_restart_continues_its_log(tmp_path):
    first = sup.Supervisor("test", log_root=tmp_path)
    second = sup.Supervisor("test", log_root=tmp_path)
    assert first.log_dir != second.log_dir and first.log_dir.parent == second.log_dir.parent == tmp_path
    first.spawn("echo", [sys.executable, "-c", "print('first start')"])
    first.processes["echo"].wait(10)
    first.restart("echo")
    first.processes["echo"].wait(10)
    assert first.log_path("echo").read_text().splitlines() == ["first start", "first start"]
    second.spawn("echo", [sys.executable, "-c", "print('other run')"])
    second.processes["echo"].wait(10)
    assert second.log_path("echo").read_text() == "other run\n"
    first.stop_all()
    second.stop_all()


def test_kill_restart_and_ordered_stop(supervisor):
    ports = [sup.free_port(), sup.free_port()]
    for index, port in enumerate(ports):
        supervisor.spawn(f"web{index}", web_server(port), ready=f"http://127.0.0.1:{port}/")
    supervisor.wait_ready(timeout=30)
    killed = supervisor.processes["web1"]
    supervisor.stop("web1", hard=True)
    assert killed.returncode == -9
    supervisor.restart("web1", timeout=30)
    assert supervisor.processes["web1"].pid != killed.pid and sup.http_get(f"http://127.0.0.1:{ports[1]}/")
    assert list(supervisor.processes) == ["web0", "web1"]
    order = []
    stop = supervisor.stop
    supervisor.stop = lambda name, **kw: order.append(name) or stop(name, **kw)
    supervisor.stop_all()
    assert order == ["web1", "web0"] and supervisor.processes == {}
    assert not supervisor.work_dir.exists()


def test_stopping_a_child_stops_what_it_started(supervisor, tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    code = (
        "import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)"
    )
    supervisor.spawn("parent", [sys.executable, "-c", code], ready=lambda: pid_file.exists() and pid_file.read_text())
    supervisor.wait_ready(timeout=30)
    grandchild = int(pid_file.read_text())
    supervisor.stop("parent")
    sup.wait_until(
        lambda: (
            not Path(f"/proc/{grandchild}").exists() or "Z" in Path(f"/proc/{grandchild}/stat").read_text().split()[2]
        ),
        timeout=10,
    )


def test_a_child_that_exits_at_start_is_reported_with_its_log(supervisor):
    supervisor.spawn(
        "broken", [sys.executable, "-c", "import sys; print('no model here'); sys.exit(3)"], ready="http://127.0.0.1:9/"
    )
    with pytest.raises(RuntimeError, match="broken exited with code 3") as error:
        supervisor.wait_ready(timeout=30)
    assert "no model here" in str(error.value) and not isinstance(error.value, sup.PortInUse)


def test_a_taken_port_makes_the_configuration_start_again_on_a_new_port(tmp_path):
    class OneServer(sup.Configuration):
        def __init__(self, port):
            self.port, self.starts = port, 0
            self.supervisor = sup.Supervisor("test", log_root=tmp_path)

        def start(self):
            self.starts += 1
            self.supervisor.spawn("web", web_server(self.port), ready=f"http://127.0.0.1:{self.port}/")
            self.supervisor.wait_ready(timeout=30)
            return self

        def reassign_ports(self):
            self.port = sup.free_port()
            return True

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with OneServer(busy) as running:
            assert running.starts == 2 and running.port != busy
            assert sup.http_get(f"http://127.0.0.1:{running.port}/") is not None
            assert "Address already in use" in running.log_path("web").read_text()  # the first attempt's line
        assert running.processes == {}


def test_free_ports_avoid_the_ephemeral_range_and_never_repeat():
    ports = [sup.free_port() for _ in range(50)]
    assert len(set(ports)) == 50
    ephemeral = sup._ephemeral_range()
    assert not [port for port in ports if port in ephemeral]


def test_wait_until_returns_the_value_or_times_out():
    assert sup.wait_until(lambda: 7, timeout=1) == 7
    with pytest.raises(TimeoutError, match="never"):
        sup.wait_until(lambda: False, timeout=0.3, interval=0.05, message="never")


# ---- the REST client ----------------------------------------------------------------------------------------
class Channel(BaseHTTPRequestHandler):
    """A stand-in for the REST channel: echoes, forgets, and misbehaves on request."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"null")
        self.server.requests.append((self.path, body, self.headers))
        if self.path.endswith("/forget"):
            status, reply = 200, {"erased": True}
        elif body.get("message") == "error":
            status, reply = 503, {"error": "try again; if someone is overdosing, call 911"}
        elif body.get("message") == "odd":
            status, reply = 200, {"not": "a list"}
        elif body.get("message") == "html":
            status, reply = 502, "<html>bad gateway</html>"
        else:
            status, reply = 200, [{"text": f"echo {body['message']}"}, {"custom": {"card": "x"}}]
        data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def channel():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Channel)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/webhooks/rest/webhook"
    server.shutdown()
    server.server_close()


def test_send_and_forget(channel):
    server, url = channel
    messages = rest_client.send(url, "s-1", "hello", {"language": "fr"}, headers={"X-GSDOA-Public": "1"})
    assert messages == [{"text": "echo hello"}, {"custom": {"card": "x"}}]
    assert rest_client.texts(messages) == "echo hello\n"
    path, body, headers = server.requests[-1]
    assert path == "/webhooks/rest/webhook" and headers["X-GSDOA-Public"] == "1"
    assert body == {"sender": "s-1", "message": "hello", "metadata": {"language": "fr"}}
    assert rest_client.forget(url, "s-1") is True
    assert server.requests[-1][:2] == ("/webhooks/rest/forget", {"sender": "s-1"})
    assert rest_client.forget_url(url) == url[: -len("webhook")] + "forget"


def test_errors_are_clear(channel):
    _, url = channel
    with pytest.raises(rest_client.RestError, match="HTTP 503") as error:
        rest_client.send(url, "s-2", "error")
    assert error.value.status == 503 and "911" in error.value.body["error"]
    with pytest.raises(rest_client.RestError, match="not a list of messages"):
        rest_client.send(url, "s-2", "odd")
    assert rest_client.post_json(url, {"sender": "s-2", "message": "html"}) == (502, "<html>bad gateway</html>")
    with pytest.raises(rest_client.BotUnreachable, match="not reachable"):
        rest_client.send(f"http://127.0.0.1:{sup.free_port()}/webhooks/rest/webhook", "s-2", "hi", timeout=5)


def test_old_runs_of_finished_processes_are_pruned_and_live_or_recent_ones_kept(tmp_path):
    dead_pid = 2**22 + 12345  # above pid_max's default: no such process
    old_dead = tmp_path / f"cluster-20260101-000000-{dead_pid}-abcdef"
    recent_dead = tmp_path / f"services-20260101-000000-{dead_pid}-123456"
    old_live, other = tmp_path / f"services-20260101-000000-{os.getpid()}-fedcba", tmp_path / "not-a-run"
    for path in (old_dead, recent_dead, old_live, other):
        path.mkdir()
        (path / "rasa.log").write_text("x")
    for path in (old_dead, old_live, other):
        os.utime(path, (0, 0))
    assert sup.prune_old_runs(tmp_path) == [old_dead]
    assert not old_dead.exists() and recent_dead.exists() and old_live.exists() and other.exists()
