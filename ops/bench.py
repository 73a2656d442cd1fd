"""Benchmark: our config vs Rasa's default config (what `rasa init` uses), trained on the same data, measured in
one run on this machine. Prints a Markdown table and writes it to docs/benchmarks.md.

    python -m ops.bench [--out docs/benchmarks.md] [--skip-default | --reuse-default]

Measured for each config: training time, intent macro-F1 / accuracy on the held-out splits, English
(tests/nlu/heldout.yml) and French (tests/nlu/heldout_fr.yml), full retrieval intents; emergency recall on
tests/conversation/emergency_phrasings[_fr].txt (share of REST replies whose first line has 911), REST reply latency p50/p95 with 1 and with 20 concurrent users,
messages per second under 20 users, Rasa server RSS, and cold start (process start -> REST channel answers).
Takes about 30–40 minutes on 2 cores, most of it training the default config.
"""
from __future__ import annotations

import argparse
import datetime
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

import yaml

from ops.nlu_eval import evaluate_model
from ops.services import QUIET_ENV, ROOT, BotServices, post_message

HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELD_OUT_FR = ROOT / "tests" / "nlu" / "heldout_fr.yml"
EMERGENCIES = ROOT / "tests" / "conversation" / "emergency_phrasings.txt"
EMERGENCIES_FR = ROOT / "tests" / "conversation" / "emergency_phrasings_fr.txt"
DEFAULT_CONFIG = {"recipe": "default.v1", "language": "en", "assistant_id": "bench-default",
                  "pipeline": None, "policies": None}  # empty = Rasa's default (autoconfig), as in `rasa init`
TARGETS = {"emergency_recall": 1.0, "macro_f1": 0.95, "p50_ratio": 1.2, "rss_mib": 1024, "cold_start_s": 20,
           "train_s": 180}
NINE_ONE_ONE = re.compile(r"(?<!\d)9[- .]?1[- .]?1(?!\d)")


def train(config: Path, out_name: str) -> Dict[str, float]:
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--force", "--config", str(config),
                    "--fixed-model-name", out_name, "--out", str(out), "--quiet"],
                   cwd=ROOT, check=True, env={**__import__("os").environ, **QUIET_ENV},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"train_s": time.monotonic() - started, "model": str(out / f"{out_name}.tar.gz")}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency(url: str, messages: List[str], users: int, per_user: int) -> Dict[str, float]:
    timings: List[float] = []
    lock = threading.Lock()

    def user(index: int) -> None:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for turn in range(per_user):
            text = messages[(index * per_user + turn) % len(messages)]
            started = time.perf_counter()
            post_message(url, sender, text, timeout=120)
            with lock:
                timings.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"p50_ms": 1000 * statistics.median(timings), "p95_ms": 1000 * percentile(timings, 0.95),
            "msgs_per_s": len(timings) / elapsed}


def phrasings(path: Path) -> List[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def language_detection() -> Dict[str, float]:
    """How the per-message English/French guess (gsdoa_nlu/language.py) does on the held-out splits: share
    right, share left undecided (the conversation keeps its language), share wrong; and time per message."""
    from rasa.shared.nlu.training_data.loading import load_data

    from gsdoa_nlu.language import LanguageGuess, lingua_detector
    from gsdoa_nlu.patterns import load_yaml

    guess = LanguageGuess(load_yaml(ROOT / "data" / "patterns" / "language.yml"), lingua_detector()).guess
    result: Dict[str, float] = {}
    for language, path in (("en", HELD_OUT), ("fr", HELD_OUT_FR)):
        texts = [e.get("text") for e in load_data(str(path)).intent_examples]
        start = time.perf_counter()
        guesses = [guess(text) for text in texts]
        result[f"{language}_ms"] = 1000 * (time.perf_counter() - start) / len(texts)
        result[f"{language}_right"] = sum(g == language for g in guesses) / len(texts)
        result[f"{language}_undecided"] = sum(g is None for g in guesses) / len(texts)
        result[f"{language}_wrong"] = sum(g not in (None, language) for g in guesses) / len(texts)
        result[f"{language}_n"] = len(texts)
    return result


def language_table(detection: Dict[str, float]) -> str:
    lines = ["| Held-out split | Messages | Right | Undecided (keeps language) | Wrong | ms / message |",
             "|---|---|---|---|---|---|"]
    for language, name in (("en", "English"), ("fr", "French")):
        d = {k[len(language) + 1:]: v for k, v in detection.items() if k.startswith(language + "_")}
        lines.append(f"| {name} | {d['n']:.0f} | {d['right']:.1%} | {d['undecided']:.1%} | {d['wrong']:.1%} | "
                     f"{d['ms']:.2f} |")
    return "\n".join(lines)


def serve_and_measure(model: str) -> Dict[str, float]:
    from rasa.shared.nlu.training_data.loading import load_data

    messages = [e.get("text") for e in load_data(str(HELD_OUT)).intent_examples]
    with BotServices(model=Path(model), log_level="WARNING") as services:
        result = {"cold_start_s": services.ready_after}
        url = services.rest_url
        post_message(url, "bench-warmup", "hello")  # first message pays one-off graph setup
        for key, path in (("emergency_recall", EMERGENCIES), ("emergency_recall_fr", EMERGENCIES_FR)):
            emergencies = phrasings(path)
            hits = 0
            for text in emergencies:
                reply = post_message(url, f"bench-{uuid.uuid4().hex[:8]}", text)
                first = (reply[0].get("text") or "").splitlines()[0] if reply else ""
                hits += bool(NINE_ONE_ONE.search(first))
            result[key] = hits / len(emergencies)
        single = latency(url, messages, users=1, per_user=100)
        result.update({"p50_1_ms": single["p50_ms"], "p95_1_ms": single["p95_ms"]})
        many = latency(url, messages, users=20, per_user=10)
        result.update({"p50_20_ms": many["p50_ms"], "p95_20_ms": many["p95_ms"], "msgs_per_s": many["msgs_per_s"]})
        result["rss_mib"] = rss_mib(services.processes["rasa"].pid)
    return result


def measure(name: str, config: Path) -> Dict[str, float]:
    print(f"[{name}] training…", flush=True)
    result = train(config, f"bench-{name}")
    print(f"[{name}] trained in {result['train_s']:.0f} s; held-out NLU…", flush=True)
    report = evaluate_model(Path(result["model"]), HELD_OUT)
    result.update({"macro_f1": report["macro_f1"], "accuracy": report["accuracy"]})
    report_fr = evaluate_model(Path(result["model"]), HELD_OUT_FR)
    result.update({"macro_f1_fr": report_fr["macro_f1"], "accuracy_fr": report_fr["accuracy"]})
    print(f"[{name}] macro-F1 {report['macro_f1']:.3f} (English), {report_fr['macro_f1']:.3f} (French); serving…",
          flush=True)
    result.update(serve_and_measure(result["model"]))
    return result


def table(results: Dict[str, Dict[str, float]]) -> str:
    ours, default = results.get("ours", {}), results.get("default", {})
    rows = [
        ("Intent macro-F1, English held-out split", "macro_f1", "{:.3f}", f"≥ {TARGETS['macro_f1']}"),
        ("Intent macro-F1, French held-out split", "macro_f1_fr", "{:.3f}", f"≥ {TARGETS['macro_f1']}"),
        ("Intent accuracy, English held-out split", "accuracy", "{:.3f}", ""),
        ("Intent accuracy, French held-out split", "accuracy_fr", "{:.3f}", ""),
        ("Emergency recall, English (911 first, REST)", "emergency_recall", "{:.1%}", "100 %"),
        ("Emergency recall, French (911 first, REST)", "emergency_recall_fr", "{:.1%}", "100 %"),
        ("REST p50, 1 user (ms)", "p50_1_ms", "{:.0f}", f"≤ {TARGETS['p50_ratio']}× default"),
        ("REST p95, 1 user (ms)", "p95_1_ms", "{:.0f}", ""),
        ("REST p50, 20 users (ms)", "p50_20_ms", "{:.0f}", ""),
        ("REST p95, 20 users (ms)", "p95_20_ms", "{:.0f}", ""),
        ("Messages/s, 20 users", "msgs_per_s", "{:.1f}", ""),
        ("Rasa server RSS (MiB)", "rss_mib", "{:.0f}", "≤ 1024"),
        ("Cold start to REST ready (s)", "cold_start_s", "{:.1f}", "≤ 20"),
        ("Full training (s)", "train_s", "{:.0f}", "≤ 180"),
    ]
    lines = ["| Measure | Our config | Rasa default config | Target |", "|---|---|---|---|"]
    for label, key, fmt, target in rows:
        cell = lambda r: fmt.format(r[key]) if key in r and r[key] == r[key] else "—"  # noqa: E731
        lines.append(f"| {label} | {cell(ours)} | {cell(default)} | {target} |")
    return "\n".join(lines)


def verdicts(results: Dict[str, Dict[str, float]]) -> List[str]:
    ours, default = results["ours"], results.get("default")
    checks = [
        ("emergency recall 100 % (English and French)",
         min(ours["emergency_recall"], ours["emergency_recall_fr"]) >= TARGETS["emergency_recall"]),
        (f"macro-F1 ≥ {TARGETS['macro_f1']} (English)", ours["macro_f1"] >= TARGETS["macro_f1"]),
        (f"macro-F1 ≥ {TARGETS['macro_f1']} (French)", ours["macro_f1_fr"] >= TARGETS["macro_f1"]),
        ("RSS ≤ 1 GiB", ours["rss_mib"] <= TARGETS["rss_mib"]),
        ("cold start ≤ 20 s", ours["cold_start_s"] <= TARGETS["cold_start_s"]),
        ("training ≤ 3 min", ours["train_s"] <= TARGETS["train_s"]),
    ]
    if default:
        checks.append(("p50 ≤ 1.2× default", ours["p50_1_ms"] <= TARGETS["p50_ratio"] * default["p50_1_ms"]))
    return [f"- {'met' if ok else 'NOT met'}: {label}" for label, ok in checks]


def previous_results(path: Path) -> Dict[str, Dict[str, float]]:
    """The raw JSON block of an earlier report (for --reuse-default), or {}."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    match = re.search(r"```json\n(.*?)\n```", text, re.S)
    try:
        return json.loads(match.group(1)) if match else {}
    except ValueError:
        return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/benchmarks.md")
    parser.add_argument("--skip-default", action="store_true", help="measure our config only (much faster)")
    parser.add_argument("--reuse-default", action="store_true",
                        help="measure our config; show the default config's numbers from the previous report")
    args = parser.parse_args()
    results: Dict[str, Dict[str, float]] = {}
    detection = language_detection()
    results["ours"] = measure("ours", ROOT / "config.yml")
    previous_default = previous_results(ROOT / args.out).get("default") if args.reuse_default else None
    if previous_default:
        results["default"] = previous_default
    elif not args.skip_default:
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False, dir=ROOT / "build") as handle:
            yaml.safe_dump(DEFAULT_CONFIG, handle)
        results["default"] = measure("default", Path(handle.name))
    reused = ("\n\nThe Rasa default column is copied from the previous full run (`--reuse-default`): it was not "
              "re-measured today and predates any row it shows as —." if previous_default else "")
    header = (f"# Benchmarks\n\nGenerated by `make bench` (`python -m ops.bench`) on "
              f"{datetime.date.today().isoformat()}, {platform.machine()}, {__import__('os').cpu_count()} cores, "
              f"Python {platform.python_version()}. Both configs trained on the same data (data/), measured in the "
              f"same run; held-out splits: {HELD_OUT.relative_to(ROOT)}, {HELD_OUT_FR.relative_to(ROOT)}; "
              f"emergencies: {EMERGENCIES.relative_to(ROOT)}, {EMERGENCIES_FR.relative_to(ROOT)}.{reused}\n\n")
    body = (table(results) + "\n\nTargets (our config):\n" + "\n".join(verdicts(results)) + "\n"
            + "\n## Language detection (per message, gsdoa_nlu/language.py: word lists + lingua)\n\n"
            + language_table(detection) + "\n")
    results["language_detection"] = detection
    raw = "\n<details><summary>Raw numbers</summary>\n\n```json\n" + json.dumps(results, indent=1) + "\n```\n</details>\n"
    out = ROOT / args.out
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = "".join("\n" + m.group(0) + "\n" for m in  # the Telegram and cluster sections stay until re-measured
                   re.finditer(r"<!-- (\w+)-bench:start -->.*?<!-- \1-bench:end -->", old, re.S))
    out.write_text(header + body + raw + kept, encoding="utf-8")
    print("\n" + table(results) + "\n\n" + "\n".join(verdicts(results)) + "\n\n" + language_table(detection))
    shutil.rmtree(ROOT / "build" / "bench", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
