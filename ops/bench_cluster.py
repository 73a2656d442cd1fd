"""Load benchmark through nginx: 100 concurrent simulated users for 60 s against the cluster (ops/cluster.py), with
1 and with 2 Rasa servers. Reports errors (target 0), p50/p95/p99 latency, messages/s, the 2-vs-1 throughput
ratio and the memory (peak RSS) of every process.

    python -m ops.bench_cluster [--users 100] [--seconds 60] [--out docs/benchmarks.md]

Each simulated user holds its own conversation and sends a mix of questions and the 4-step check. Two paces:
"back to back" (the next message as soon as the answer arrives: a stress test, far above what people do) and
"people-paced" (a 4–8 s pause to read and type before each message — still faster than most people).
The section it writes replaces the previous one in the output file (between the cluster-bench markers).
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
import uuid
from typing import Any

from bot import rest_client
from ops.bench_common import parse_args, peak_rss_mib, publish
from ops.cluster import Cluster
from ops.stats import mean, percentile, rate

SCRIPT = [
    "can police arrest me if i call 911",
    "where can i get naloxone",
    "can you check if i'm protected",
    "yes",
    "no",
    "no",
    "no",
    "what are the signs of an overdose",
    "mon chum respire pu",
    "what is NORS",
]


def run_load(url: str, users: int, seconds: float, pause: tuple = (0.0, 0.0)) -> dict[str, Any]:
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user() -> None:
        sender, turn = "bench-" + uuid.uuid4().hex[:10], 0
        rng = random.Random(sender)
        while time.monotonic() < stop_at:
            if pause[1]:
                time.sleep(rng.uniform(*pause))
                if time.monotonic() >= stop_at:
                    break
            start = time.perf_counter()
            try:
                answered = rest_client.send(url, sender, SCRIPT[turn % len(SCRIPT)], timeout=60)
                problem = None if answered else "empty reply"
            except rest_client.BotUnreachable as error:
                problem = type(error.__cause__).__name__
            except rest_client.RestError as error:
                problem = f"HTTP {error.status}" if error.status != 200 else "not a list of messages"
            elapsed = time.perf_counter() - start
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    timings.append(elapsed * 1000)
            turn += 1

    threads = [threading.Thread(target=user, daemon=True) for _ in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {
        "messages": len(timings),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "p50_ms": percentile(timings, 0.5),
        "p95_ms": percentile(timings, 0.95),
        "p99_ms": percentile(timings, 0.99),
        "msgs_per_s": rate(len(timings), wall),
        "mean_ms": mean(timings),
    }


PACES = {"back to back": (0.0, 0.0), "people-paced (4–8 s pause)": (4.0, 8.0)}


def measure(servers: int, users: int, seconds: float) -> dict[str, Any]:
    print(f"[cluster] {servers} Rasa server(s): starting…", flush=True)
    # per-client rate limit lifted: every simulated user comes from 127.0.0.1
    with Cluster(servers=servers, rate=100_000, burst=100_000) as cluster:
        run_load(cluster.rest_url, users=min(users, 10), seconds=5)  # warm-up
        result: dict[str, Any] = {}
        for pace, pause in PACES.items():
            print(f"[cluster] {servers} server(s), {pace}: {users} users for {seconds:.0f} s…", flush=True)
            result[pace] = run_load(cluster.rest_url, users, seconds, pause)
        result["rss_mib"] = {name: round(peak_rss_mib(process.pid), 1) for name, process in cluster.processes.items()}
    return result


def table(results: dict[int, dict[str, Any]], users: int, seconds: float) -> str:
    lines = [
        "| Pace | Rasa servers | Messages | Errors | p50 (ms) | p95 (ms) | p99 (ms) | Messages/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for pace in PACES:
        for servers, r in sorted(results.items()):
            p = r[pace]
            lines.append(
                f"| {pace} | {servers} | {p['messages']} | {p['errors']} | {p['p50_ms']:.0f} | "
                f"{p['p95_ms']:.0f} | {p['p99_ms']:.0f} | {p['msgs_per_s']:.1f} |"
            )
    if 1 in results and 2 in results:
        ratio = results[2]["back to back"]["msgs_per_s"] / results[1]["back to back"]["msgs_per_s"]
        lines.append(
            f"\nThroughput 2 servers / 1 server (back to back): **{ratio:.2f}×** ({os.cpu_count()} CPU cores "
            "shared by every process of the cluster and the load generator). Back to back is above what "
            'these cores can serve: nginx answers the excess with the friendly 503 ("busy, try again", '
            "911, NORS) after 30 s rather than letting queues grow."
        )
    lines.append("\nPeak memory (RSS, MiB) per process:\n")
    for servers, r in sorted(results.items()):
        memory = ", ".join(f"{name} {mib:.0f}" for name, mib in r["rss_mib"].items())
        lines.append(f"- {servers} server(s): {memory}")
    kinds = {
        (servers, pace): r[pace]["error_kinds"]
        for servers, r in results.items()
        for pace in PACES
        if r[pace]["error_kinds"]
    }
    if kinds:
        lines.append(f"\nError kinds: {kinds}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, argv, users=100, seconds=60.0)
    results = {servers: measure(servers, args.users, args.seconds) for servers in (1, 2)}
    text = (
        f"{args.users} concurrent simulated users for {args.seconds:.0f} s through nginx to Rasa servers sharing "
        f"Redis (ops/cluster.py), at two paces: back to back (the next message as soon as the answer arrives) and "
        f"people-paced (a 4–8 s pause before each message).\n\n{table(results, args.users, args.seconds)}"
    )
    publish("cluster", "Load through nginx (cluster)", text, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
