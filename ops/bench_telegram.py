"""Benchmark of the Telegram bridge, in front of the real bot, with the fake Bot API standing in for Telegram.

    python -m ops.bench_telegram [--out docs/benchmarks.md] [--messages 40] [--chats 50]

Measured: the bridge's start time (process start -> webhook registered and listening) and RSS; the reply
time of one message straight to Rasa's REST channel vs through the bridge (webhook POST -> sendMessage
reaching the fake API), p50/p95 over the same messages; messages/s with `--chats` chats talking at once
(each chat waits for its answer before its next message, like people do). The bridge runs as its own process,
exactly as `make run` starts it, with PTB's rate limiter on (about 30 messages/s overall, as Telegram allows).
The section it writes replaces the previous one in the output file (between the telegram-bench markers).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import httpx

from ops.bench_common import parse_args, peak_rss_mib, publish, rss_mib, wait_listening
from ops.fake_telegram import FakeTelegram, Updates
from ops.services import BotServices, free_port
from ops.stats import rate, summary

SECRET = "bench-secret"
QUESTIONS = [
    "can police arrest me if i call 911",
    "where can i get naloxone",
    "does the act cover trafficking",
    "what are the signs of an overdose",
    "is the good samaritan law for my probation too",
    "what is NORS",
    "how do i use narcan",
    "can cops search my car at an overdose call",
]
TARGETS = {"start_s": 2.0, "rss_mib": 100.0, "overhead_p50_ms": 50.0}


async def measure(services: BotServices, messages: int, chats: int) -> dict[str, float]:
    api = await FakeTelegram().start()
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": "1000:BENCH",
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": "https://bench.invalid",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_SENDER_KEY": uuid.uuid4().hex,
        "TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_API_BASE_URL": api.url,
    }
    started = time.monotonic()
    bridge = services.start_telegram(env)  # as `make run` starts it (the supervisor; log: services.log_path)
    results: dict[str, float] = {}
    try:
        await api.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls), timeout=30)
        await wait_listening(port)
        results["start_s"] = time.monotonic() - started
        results["rss_idle_mib"] = rss_mib(bridge.pid)
        updates = Updates()
        webhook = f"http://127.0.0.1:{port}/telegram"
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        chat_ids = iter(range(10_000_000, 20_000_000))

        async with httpx.AsyncClient(timeout=60) as client:

            async def through_bridge(chat: int, text: str) -> float:
                before = len(api.sent(chat))
                began = time.perf_counter()
                reply = await client.post(webhook, content=json.dumps(updates.message(chat, text)), headers=headers)
                reply.raise_for_status()
                await api.wait_sent(chat, before + 1, timeout=60)
                return time.perf_counter() - began

            async def direct(text: str) -> float:
                began = time.perf_counter()
                reply = await client.post(
                    services.rest_url, json={"sender": f"bench-{uuid.uuid4().hex[:8]}", "message": text}
                )
                reply.raise_for_status()
                return time.perf_counter() - began

            for text in QUESTIONS:  # warm-up, both paths
                await direct(text)
                await through_bridge(next(chat_ids), text)
            sample = [QUESTIONS[i % len(QUESTIONS)] for i in range(messages)]
            direct_times = [await direct(text) for text in sample]
            bridge_times = [await through_bridge(next(chat_ids), text) for text in sample]
            results.update({f"direct_{key}": value for key, value in summary(direct_times).items()})
            results.update({f"bridge_{key}": value for key, value in summary(bridge_times).items()})
            results["overhead_p50_ms"] = results["bridge_p50_ms"] - results["direct_p50_ms"]
            results["overhead_p95_ms"] = results["bridge_p95_ms"] - results["direct_p95_ms"]

            per_chat = 4
            load_chats = [next(chat_ids) for _ in range(chats)]

            async def conversation(chat: int, index: int) -> None:
                for turn in range(per_chat):
                    await through_bridge(chat, QUESTIONS[(index + turn) % len(QUESTIONS)])

            began = time.perf_counter()
            await asyncio.gather(*(conversation(chat, i) for i, chat in enumerate(load_chats)))
            elapsed = time.perf_counter() - began
            results["load_messages"] = chats * per_chat
            results["messages_per_s"] = rate(chats * per_chat, elapsed)
            results["rss_peak_mib"] = peak_rss_mib(bridge.pid)
    finally:
        services.stop_process("telegram")
        await api.stop()
    return results


def table(results: dict[str, float], chats: int, messages: int) -> str:
    def ok(good: bool) -> str:
        return "✅" if good else "❌"

    rows = [
        (
            "Start time (process start → webhook set and listening)",
            f"{results['start_s']:.2f} s",
            f"< {TARGETS['start_s']:.0f} s {ok(results['start_s'] < TARGETS['start_s'])}",
        ),
        (
            "RSS idle / peak under load",
            f"{results['rss_idle_mib']:.0f} / {results['rss_peak_mib']:.0f} MiB",
            f"< {TARGETS['rss_mib']:.0f} MiB {ok(results['rss_peak_mib'] < TARGETS['rss_mib'])}",
        ),
        (
            f"Reply time straight to REST, p50 / p95 ({messages} messages)",
            f"{results['direct_p50_ms']:.0f} / {results['direct_p95_ms']:.0f} ms",
            "",
        ),
        (
            "Reply time through the bridge, p50 / p95 (webhook → sendMessage)",
            f"{results['bridge_p50_ms']:.0f} / {results['bridge_p95_ms']:.0f} ms",
            "",
        ),
        (
            "Bridge overhead, p50 / p95",
            f"{results['overhead_p50_ms']:.0f} / {results['overhead_p95_ms']:.0f} ms",
            f"p50 < {TARGETS['overhead_p50_ms']:.0f} ms {ok(results['overhead_p50_ms'] < TARGETS['overhead_p50_ms'])}",
        ),
        (
            f"Throughput, {chats} chats at once ({results['load_messages']:.0f} messages)",
            f"{results['messages_per_s']:.1f} messages/s",
            "Telegram allows ~30/s per bot",
        ),
    ]
    lines = ["| Measure | Result | Target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, argv, messages=40, chats=50)
    print("[telegram] starting the bot…", flush=True)
    with BotServices() as services:
        results = asyncio.run(measure(services, args.messages, args.chats))
    how = (
        "The bridge ran as its own process in webhook mode; a fake Bot API on loopback stood in for Telegram (so "
        "Telegram's own network time is not included); the real Rasa and action servers answered."
    )
    publish("telegram", "Telegram bridge", f"{how}\n\n{table(results, args.chats, args.messages)}", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
