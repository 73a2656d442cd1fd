"""Benchmark: our config vs Rasa's default config (what `rasa init` uses), trained on the same data, measured in
one run on this machine. Prints a Markdown table and writes it to docs/benchmarks.md.

    python -m ops.bench [--out docs/benchmarks.md] [--skip-default | --reuse-default]

Measured for each config: training time (wall clock and CPU), intent macro-F1 / accuracy on the held-out splits
(tests/nlu/heldout[_fr].yml, written in the style of the training data) and the fresh splits (tests/nlu/fresh_*.yml,
real phrasings from public sources, never trained on), full retrieval intents; the frozen safety sets
(tests/frozen/: emergencies and people in crisis recognised, look-alike questions taken for emergencies), through
the NLU; emergency recall over REST on tests/conversation/emergency_phrasings[_fr].txt (share of replies whose
first line has 911); REST reply latency p50/p95 with 1 and with 20 concurrent users, messages per second under 20
users, Rasa server RSS, and cold start (process start -> REST channel answers).
Takes about 75 minutes on 2 cores, most of it training the default config.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

from ops.bench_common import rss_mib
from ops.nlu_eval import evaluate_model
from ops.services import QUIET_ENV, ROOT, BotServices, post_message
from ops.stats import rate, summary

HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELD_OUT_FR = ROOT / "tests" / "nlu" / "heldout_fr.yml"
SPLITS = {
    "": HELD_OUT,
    "_fr": HELD_OUT_FR,
    "_fresh_en": ROOT / "tests" / "nlu" / "fresh_en.yml",
    "_fresh_fr": ROOT / "tests" / "nlu" / "fresh_fr.yml",
}
FROZEN = {
    "frozen_emergency_en": ("emergency_en.txt", "emergency"),
    "frozen_emergency_fr": ("emergency_fr.txt", "emergency"),
    "frozen_distress_en": ("distress_en.txt", "suicidal"),
    "frozen_distress_fr": ("distress_fr.txt", "suicidal"),
    "lookalike_alarms_en": ("lookalikes_en.txt", "emergency"),
    "lookalike_alarms_fr": ("lookalikes_fr.txt", "emergency"),
}
EMERGENCIES = ROOT / "tests" / "conversation" / "emergency_phrasings.txt"
EMERGENCIES_FR = ROOT / "tests" / "conversation" / "emergency_phrasings_fr.txt"
DEFAULT_CONFIG = {
    "recipe": "default.v1",
    "language": "en",
    "assistant_id": "bench-default",
    "pipeline": None,
    "policies": None,
}  # empty = Rasa's default (autoconfig), as in `rasa init`
# Issue 13's targets: p50 at 1 user ≤ the default's, messages/s at 20 users ≥ 1.5× the default's, full training
# ≤ 2 min on 2 cores, cold start ≤ 30 s, RSS ≤ 1.5 GiB, macro-F1 ≥ 0.96 on held-out and fresh, recall 100 %.
TARGETS = {
    "emergency_recall": 1.0,
    "macro_f1": 0.96,
    "p50_ratio": 1.0,
    "throughput_ratio": 1.5,
    "rss_mib": 1536,
    "cold_start_s": 30,
    "train_s": 120,
}
PERCENTILES = (
    "Every p50/p95/p99 on this page, in every section, is computed one way (ops/stats.py): linear "
    "interpolation between the two nearest ranks (numpy's default; p50 is the median)."
)
NINE_ONE_ONE = re.compile(r"(?<!\d)9[- .]?1[- .]?1(?!\d)")


def train(config: Path, out_name: str) -> dict[str, Any]:
    out = ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    started, cpu_before = time.monotonic(), _children_cpu()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "--force",
            "--config",
            str(config),
            "--fixed-model-name",
            out_name,
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
        env={**__import__("os").environ, **QUIET_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return {
        "train_s": time.monotonic() - started,
        "train_cpu_s": _children_cpu() - cpu_before,
        "model": str(out / f"{out_name}.tar.gz"),
    }


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (training's CPU time, less sensitive to other load)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def latency(url: str, messages: list[str], users: int, per_user: int) -> dict[str, float]:
    timings: list[float] = []
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
    return {**summary(timings), "msgs_per_s": rate(len(timings), elapsed)}


def phrasings(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def language_detection() -> dict[str, float]:
    """How the per-message English/French guess (gsdoa_nlu/language.py) does on the held-out splits: share
    right, share left undecided (the conversation keeps its language), share wrong; and time per message."""
    from rasa.shared.nlu.training_data.loading import load_data

    from gsdoa_nlu.language import LanguageGuess, lingua_detector
    from gsdoa_nlu.patterns import load_yaml

    guess = LanguageGuess(load_yaml(ROOT / "data" / "patterns" / "language.yml"), lingua_detector()).guess
    result: dict[str, float] = {}
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


def language_table(detection: dict[str, float]) -> str:
    lines = [
        "| Held-out split | Messages | Right | Undecided (keeps language) | Wrong | ms / message |",
        "|---|---|---|---|---|---|",
    ]
    for language, name in (("en", "English"), ("fr", "French")):
        d = {k[len(language) + 1 :]: v for k, v in detection.items() if k.startswith(language + "_")}
        lines.append(
            f"| {name} | {d['n']:.0f} | {d['right']:.1%} | {d['undecided']:.1%} | {d['wrong']:.1%} | {d['ms']:.2f} |"
        )
    return "\n".join(lines)


def serve_and_measure(model: str) -> dict[str, float]:
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


def measure(name: str, config: Path) -> dict[str, Any]:
    print(f"[{name}] training…", flush=True)
    result = train(config, f"bench-{name}")
    print(f"[{name}] trained in {result['train_s']:.0f} s; held-out, fresh and frozen sets…", flush=True)
    result.update(nlu_measures(Path(result["model"])))
    print(
        f"[{name}] macro-F1 {result['macro_f1']:.3f} / {result['macro_f1_fr']:.3f} held-out, "
        f"{result['macro_f1_fresh_en']:.3f} / {result['macro_f1_fresh_fr']:.3f} fresh (EN / FR); serving…",
        flush=True,
    )
    result.update(serve_and_measure(result["model"]))
    return result


def nlu_measures(model: Path) -> dict[str, float]:
    """Macro-F1 and accuracy on every split, and the frozen safety sets' rates, through the whole NLU pipeline."""
    from ops.nlu_eval import intent_share, load_agent
    from ops.overlap import nlu_examples

    agent = load_agent(model)
    result: dict[str, float] = {}
    for suffix, path in SPLITS.items():
        report = evaluate_model(model, path, agent)
        result.update(
            {
                f"macro_f1{suffix}": report["macro_f1"],
                f"accuracy{suffix}": report["accuracy"],
                f"n{suffix}": report["n"],
            }
        )
    training = nlu_examples(str(ROOT / "data" / "nlu"))
    for key, (name, intent) in FROZEN.items():
        share = intent_share(
            agent, ROOT / "tests" / "frozen" / name, (intent,), None if key.startswith("lookalike") else training
        )
        result[key] = share["share"]
        result[f"{key}_n"] = share["n"]
        if "unseen_share" in share:
            result[f"{key}_unseen"] = share["unseen_share"]
    return result


def table(results: dict[str, dict[str, float]]) -> str:
    ours, default = results.get("ours", {}), results.get("default", {})
    rows = [
        ("Intent macro-F1, English held-out split", "macro_f1", "{:.3f}", f"≥ {TARGETS['macro_f1']}"),
        ("Intent macro-F1, French held-out split", "macro_f1_fr", "{:.3f}", f"≥ {TARGETS['macro_f1']}"),
        ("Intent macro-F1, English fresh split", "macro_f1_fresh_en", "{:.3f}", f"≥ {TARGETS['macro_f1']}"),
        ("Intent macro-F1, French fresh split", "macro_f1_fresh_fr", "{:.3f}", f"≥ {TARGETS['macro_f1']}"),
        ("Intent accuracy, English held-out split", "accuracy", "{:.3f}", ""),
        ("Intent accuracy, French held-out split", "accuracy_fr", "{:.3f}", ""),
        ("Intent accuracy, English fresh split", "accuracy_fresh_en", "{:.3f}", ""),
        ("Intent accuracy, French fresh split", "accuracy_fresh_fr", "{:.3f}", ""),
        ("Frozen emergencies recognised, English (NLU)", "frozen_emergency_en", "{:.1%}", "100 %"),
        ("Frozen emergencies recognised, French (NLU)", "frozen_emergency_fr", "{:.1%}", "100 %"),
        ("Frozen crisis messages recognised, English (NLU)", "frozen_distress_en", "{:.1%}", "100 %"),
        ("Frozen crisis messages recognised, French (NLU)", "frozen_distress_fr", "{:.1%}", "100 %"),
        ("Look-alike questions taken for emergencies, English", "lookalike_alarms_en", "{:.1%}", "(lower is better)"),
        ("Look-alike questions taken for emergencies, French", "lookalike_alarms_fr", "{:.1%}", "(lower is better)"),
        ("Emergency recall, English (911 first, REST)", "emergency_recall", "{:.1%}", "100 %"),
        ("Emergency recall, French (911 first, REST)", "emergency_recall_fr", "{:.1%}", "100 %"),
        ("REST p50, 1 user (ms)", "p50_1_ms", "{:.0f}", "≤ default"),
        ("REST p95, 1 user (ms)", "p95_1_ms", "{:.0f}", ""),
        ("REST p50, 20 users (ms)", "p50_20_ms", "{:.0f}", ""),
        ("REST p95, 20 users (ms)", "p95_20_ms", "{:.0f}", ""),
        ("Messages/s, 20 users", "msgs_per_s", "{:.1f}", f"≥ {TARGETS['throughput_ratio']}× default"),
        ("Rasa server RSS (MiB)", "rss_mib", "{:.0f}", f"≤ {TARGETS['rss_mib']}"),
        ("Cold start to REST ready (s)", "cold_start_s", "{:.1f}", f"≤ {TARGETS['cold_start_s']}"),
        ("Full training, wall clock (s)", "train_s", "{:.0f}", f"≤ {TARGETS['train_s']}"),
        ("Full training, CPU time (s)", "train_cpu_s", "{:.0f}", ""),
    ]
    lines = ["| Measure | Our config | Rasa default config | Target |", "|---|---|---|---|"]
    for label, key, fmt, target in rows:
        ours_cell, default_cell = (
            fmt.format(r[key]) if key in r and r[key] == r[key] else "—" for r in (ours, default)
        )
        lines.append(f"| {label} | {ours_cell} | {default_cell} | {target} |")
    return "\n".join(lines)


def verdicts(results: dict[str, dict[str, float]]) -> list[str]:
    ours, default = results["ours"], results.get("default")

    def get(key: str) -> float:
        return ours.get(key, float("nan"))

    checks = [
        (
            "emergency recall over REST 100 % (regression lists, English and French)",
            min(get("emergency_recall"), get("emergency_recall_fr")) >= TARGETS["emergency_recall"],
        ),
        ("frozen emergency and crisis sets 100 %", min(get(k) for k in FROZEN if not k.startswith("lookalike")) >= 1.0),
    ]
    for suffix, label in (
        ("", "held-out English"),
        ("_fr", "held-out French"),
        ("_fresh_en", "fresh English"),
        ("_fresh_fr", "fresh French"),
    ):
        checks.append((f"macro-F1 ≥ {TARGETS['macro_f1']} ({label})", get(f"macro_f1{suffix}") >= TARGETS["macro_f1"]))
    checks += [
        (f"RSS ≤ {TARGETS['rss_mib']} MiB", get("rss_mib") <= TARGETS["rss_mib"]),
        (f"cold start ≤ {TARGETS['cold_start_s']} s", get("cold_start_s") <= TARGETS["cold_start_s"]),
        (f"training ≤ {TARGETS['train_s']} s", get("train_s") <= TARGETS["train_s"]),
    ]
    if default:
        checks.append(("p50 at 1 user ≤ the default's", get("p50_1_ms") <= TARGETS["p50_ratio"] * default["p50_1_ms"]))
        checks.append(
            (
                f"messages/s at 20 users ≥ {TARGETS['throughput_ratio']}× the default's",
                get("msgs_per_s") >= TARGETS["throughput_ratio"] * default["msgs_per_s"],
            )
        )
    return [f"- {'met' if ok else 'NOT met'}: {label}" for label, ok in checks]


def previous_results(path: Path) -> dict[str, dict[str, float]]:
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
    parser.add_argument(
        "--reuse-default",
        action="store_true",
        help="measure our config; show the default config's numbers from the previous report",
    )
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    detection = language_detection()
    # Training from cold, as on a fresh clone: no sentence embeddings cached from earlier runs.
    shutil.rmtree(ROOT / "build" / "embedding-cache", ignore_errors=True)
    results["ours"] = measure("ours", ROOT / "config.yml")
    previous_default = previous_results(ROOT / args.out).get("default") if args.reuse_default else None
    if previous_default:
        results["default"] = previous_default
    elif not args.skip_default:
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False, dir=ROOT / "build") as handle:
            yaml.safe_dump(DEFAULT_CONFIG, handle)
        results["default"] = measure("default", Path(handle.name))
    reused = (
        "\n\nThe Rasa default column is copied from the previous full run (`--reuse-default`): it was not "
        "re-measured today and predates any row it shows as —."
        if previous_default
        else ""
    )
    header = (
        f"# Benchmarks\n\nGenerated by `make bench` (`python -m ops.bench`) on "
        f"{datetime.date.today().isoformat()}, {platform.machine()}, {__import__('os').cpu_count()} cores, "
        f"Python {platform.python_version()}. Both configs trained on the same data (data/), measured in the "
        f"same run; splits: " + ", ".join(str(p.relative_to(ROOT)) for p in SPLITS.values()) + "; frozen safety "
        f"sets: tests/frozen/ (never tuned on); "
        f"emergencies: {EMERGENCIES.relative_to(ROOT)}, {EMERGENCIES_FR.relative_to(ROOT)}. {PERCENTILES}{reused}\n\n"
    )
    body = (
        table(results)
        + "\n\nTargets (our config):\n"
        + "\n".join(verdicts(results))
        + "\n"
        + "\n## Language detection (per message, gsdoa_nlu/language.py: word lists + lingua)\n\n"
        + language_table(detection)
        + "\n"
    )
    results["language_detection"] = detection
    raw = (
        "\n<details><summary>Raw numbers</summary>\n\n```json\n" + json.dumps(results, indent=1) + "\n```\n</details>\n"
    )
    out = ROOT / args.out
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = "".join(
        "\n" + m.group(0) + "\n"
        for m in re.finditer(  # the Telegram and cluster sections stay until re-measured
            r"<!-- (\w+)-bench:start -->.*?<!-- \1-bench:end -->", old, re.S
        )
    )
    out.write_text(header + body + raw + kept, encoding="utf-8")
    print("\n" + table(results) + "\n\n" + "\n".join(verdicts(results)) + "\n\n" + language_table(detection))
    shutil.rmtree(ROOT / "build" / "bench", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
