"""Evaluate a trained model on an NLU test file: accuracy, macro-F1 and per-intent scores over full intents
(retrieval intents include the ResponseSelector's pick, e.g. legal/arrest). Used by tests and `make bench`.

    python -m ops.nlu_eval models/gsdoa.tar.gz tests/nlu/heldout.yml
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def predicted_label(parse: dict[str, Any]) -> str:
    """The full intent: a retrieval intent gets its ResponseSelector's pick (our per-intent selectors, or a
    single 'default' selector as in Rasa's default config, when its pick belongs to that intent)."""
    intent = (parse.get("intent") or {}).get("name") or "None"
    selectors = parse.get("response_selector") or {}
    for key in (intent, "default"):
        pick = ((selectors.get(key) or {}).get("response") or {}).get("intent_response_key")
        if pick and pick.split("/")[0] == intent:
            return pick
    return intent


def scores(pairs: list[tuple]) -> dict[str, Any]:
    labels = sorted({expected for expected, _ in pairs})
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for expected, predicted in pairs:
        if expected == predicted:
            tp[expected] += 1
        else:
            fn[expected] += 1
            fp[predicted] += 1
    per_intent = {}
    for label in labels:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp[label] + fn[label]}
    correct = sum(tp.values())
    return {
        "n": len(pairs),
        "accuracy": correct / len(pairs) if pairs else 0.0,
        "macro_f1": sum(v["f1"] for v in per_intent.values()) / len(per_intent) if per_intent else 0.0,
        "per_intent": per_intent,
    }


def load_agent(model_path: Path):
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


def predict(agent, texts: list[str]) -> list[str]:
    """Full predicted intents for texts, parsed by the whole NLU pipeline (safety net included)."""

    async def run() -> list[str]:
        return [predicted_label(await agent.parse_message(text)) for text in texts]

    return asyncio.run(run())


def evaluate_model(model_path: Path, test_file: Path, agent=None) -> dict[str, Any]:
    from rasa.shared.nlu.training_data.loading import load_data

    agent = agent or load_agent(model_path)
    examples = load_data(str(test_file)).intent_examples
    predictions = predict(agent, [e.get("text") for e in examples])
    pairs, errors = [], []
    for example, predicted in zip(examples, predictions, strict=True):
        expected = example.get_full_intent()
        pairs.append((expected, predicted))
        if predicted != expected:
            errors.append({"text": example.get("text"), "expected": expected, "predicted": predicted})
    result = scores(pairs)
    result["errors"] = errors
    return result


if __name__ == "__main__":
    report = evaluate_model(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps({k: v for k, v in report.items() if k != "per_intent"}, indent=1, ensure_ascii=False))


def lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a phrasing list (one message per line)."""
    return [
        line.strip()
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def intent_share(agent, path: Path, intents: tuple, training: list[tuple] | None = None) -> dict[str, Any]:
    """Share of a phrasing list whose final intent (whole pipeline, safety nets included) is one of `intents`, and
    the lines that aren't: recall for an emergency or crisis list, false alarms for a look-alike list. With
    `training` ((intent, text) pairs), also the share on the lines that are not near-copies of a training line of
    those intents (ops/overlap.py) — the honest figure when a blind list shares a few common phrases."""
    texts = lines(path)

    async def run() -> list[str | None]:
        return [((await agent.parse_message(t)).get("intent") or {}).get("name") for t in texts]

    names = asyncio.run(run())
    hits = [t for t, n in zip(texts, names, strict=True) if n in intents]
    result = {
        "n": len(texts),
        "share": len(hits) / len(texts) if texts else 0.0,
        "hits": hits,
        "misses": [t for t, n in zip(texts, names, strict=True) if n not in intents],
    }
    if training is not None:
        from ops.overlap import overlaps

        seen = {text for _, text, _ in overlaps([(i, t) for t in texts for i in intents], training)}
        unseen = [(t, n) for t, n in zip(texts, names, strict=True) if t not in seen]
        result["near_copies_of_training"] = sorted(seen)
        result["unseen_n"] = len(unseen)
        result["unseen_share"] = sum(n in intents for _, n in unseen) / len(unseen) if unseen else 0.0
    return result
