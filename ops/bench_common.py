"""What every benchmark shares (ops/bench.py, ops/bench_telegram.py, ops/bench_cluster.py): process memory, waiting
for a port, where the run happened, and writing a section of docs/benchmarks.md. Figures come from ops/stats.py.
Dev tooling only: nothing here is imported by the bot at run time."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import time
from pathlib import Path

NAN = float("nan")


def _status_mib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return NAN


def rss_mib(pid: int) -> float:
    """Resident memory of a process now (VmRSS), MiB."""
    return _status_mib(pid, "VmRSS")


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a process so far (VmHWM), MiB."""
    return _status_mib(pid, "VmHWM")


async def wait_listening(port: int, timeout: float = 30) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.01)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def where_measured() -> str:
    """ "Measured <when> on <machine>, <n> CPUs, Python <version>" for a section's first sentence."""
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"Measured {when} on {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def write_section(out: Path, body: str, start: str, end: str) -> None:
    """Put `body` between the start/end markers of docs/benchmarks.md (replacing what was there, or appended)."""
    section = f"{start}\n{body}\n{end}"
    existing = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    if start in existing and end in existing:
        head, rest = existing.split(start, 1)
        existing = head.rstrip() + "\n\n" + section + rest.split(end, 1)[1]
    else:
        existing = existing.rstrip() + "\n\n" + section + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(existing, encoding="utf-8")


def parse_args(doc: str, argv: list[str] | None, **defaults: float) -> argparse.Namespace:
    """A benchmark's command line: --out (the report to write its section into) and one option per default
    (`--name`, typed like its default)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=type(default), default=default)
    return parser.parse_args(argv)


def markers(name: str) -> tuple[str, str]:
    """The start/end markers of benchmark `name`'s section in docs/benchmarks.md (ops/bench.py keeps them)."""
    return f"<!-- {name}-bench:start -->", f"<!-- {name}-bench:end -->"


def publish(name: str, title: str, text: str, out: Path | None) -> str:
    """Benchmark `name`'s section ("## title", where and how it was measured — `make bench-<name>` runs it alone —
    then `text`): printed and, with --out, written between its markers. Returns the section."""
    body = f"## {title}\n\n{where_measured()}, with `make bench` (this part alone: `make bench-{name}`). {text}\n"
    print(body)
    if out:
        write_section(out, body, *markers(name))
        print(f"written to {out}")
    return body
