"""Split the phrasings collected from public sources (data/collected/pool_*.jsonl) into training data and the fresh
test split, once, before any training data was written for them.

    python scripts/split_collected.py          # writes data/nlu/{en,fr}/collected.yml and tests/nlu/fresh_{en,fr}.yml

- Every item is a real phrasing found in a public source (FAQ, survey item, interview or news quote, forum post),
  with that source kept next to it (`metadata.source`).
- Small talk copied from other projects' Rasa training files (publisher "GitHub …") was written by developers,
  not users: it goes to training only, never to the fresh split.
- Items labelled `none` (no intent of ours fits) and the questions listed in EXCLUDED (a different topic than any
  answer of ours — e.g. cannabis record suspensions) are left out of both.
- Of the rest, about 40 % of each intent (every item whose rank in a stable hash order is 1 or 3 modulo 5) is the
  fresh split; the rest is training. Re-running keeps every item where it already is (read back from the two
  output files): an item added to the pool later goes to the fresh split when its own hash is 1 or 3 modulo 5, so
  no fresh line ever moves into training because another item was added, and no trained line becomes "fresh". A
  fresh item that is nearly a training line of the same intent (ops/overlap.py) goes to training instead: the fresh
  split must measure understanding, not memory. It is never trained on (tests/nlu/test_split.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# First lines of the files written (the other file of the pair named in each).
TRAINING_HEADER = (
    "# Phrasings collected from public sources (data/collected/, scripts/split_collected.py): training part.\n"
    "# Each example keeps its source. The other part is tests/nlu/fresh_{language}.yml, never trained on."
)
FRESH_HEADER = (
    "# FRESH split: real phrasings from public sources (FAQs, survey items, interview and news quotes, forum\n"
    "# posts), each with its source, split off by scripts/split_collected.py before any training data was written\n"
    "# for them. Never trained on (tests/nlu/test_split.py). Compare with the held-out split: the gap is the\n"
    "# honest figure of how well the bot understands people it has never heard from."
)
EXCLUDED_PHRASES = (
    "cannabis record suspension",
    "suspension du casier",
    "réhabilitation ou une suspension",
    "Quand peut-on présenter une demande?",
)


def collected_path(language: str) -> Path:
    """The training part, with the team's examples of that language (data/nlu/<language>/)."""
    return ROOT / "data" / "nlu" / language / "collected.yml"


def stable_rank(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _key(text: str) -> str:
    return " ".join(text.split())


def previous_assignment(language: str):
    """(texts already in the fresh split, texts already in training) from the files an earlier run wrote."""
    found = []
    for path in (ROOT / "tests" / "nlu" / f"fresh_{language}.yml", collected_path(language)):
        texts = set()
        if path.exists():
            import yaml

            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
                texts |= {_key(example["text"]) for example in block.get("examples") or []}
        found.append(texts)
    return found[0], found[1]


def split(items, already_fresh=frozenset(), already_training=frozenset()):
    training, fresh = defaultdict(list), defaultdict(list)
    by_intent = defaultdict(list)
    for item in items:
        if item["intent"] == "none" or any(p.lower() in item["text"].lower() for p in EXCLUDED_PHRASES):
            continue
        if item["source"]["publisher"].startswith("GitHub"):
            training[item["intent"]].append(item)
        else:
            by_intent[item["intent"]].append(item)
    first_run = not already_fresh and not already_training
    for intent, group in by_intent.items():
        for rank, item in enumerate(sorted(group, key=lambda i: stable_rank(i["text"]))):
            key = _key(item["text"])
            if key in already_fresh or key in already_training:
                to_fresh = key in already_fresh
            else:
                to_fresh = (rank if first_run else int(stable_rank(item["text"]), 16)) % 5 in (1, 3)
            (fresh if to_fresh else training)[intent].append(item)
    return training, fresh


def yaml_string(text: str) -> str:
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def render(groups, header: str) -> str:
    lines = [header, 'version: "3.1"', "nlu:"]
    for intent in sorted(groups):
        lines += [f"- intent: {intent}", "  examples:"]
        for item in groups[intent]:
            source = item["source"]
            lines += [
                f"  - text: {yaml_string(item['text'])}",
                "    metadata:",
                f"      source: {yaml_string(source['publisher'] + ' — ' + source['url'])}",
                f"      kind: {item['kind']}",
            ]
    return "\n".join(lines) + "\n"


def team_examples(language: str):
    """(intent, text) of the training data other than this language's collected file."""
    import sys

    sys.path.insert(0, str(ROOT))
    from ops.overlap import nlu_examples

    return [
        example
        for path in sorted((ROOT / "data" / "nlu").rglob("*.yml"))
        if path != collected_path(language)
        for example in nlu_examples(str(path))
    ]


def move_overlaps(training, fresh, language: str) -> None:
    from ops.overlap import overlaps

    known = team_examples(language) + [(i, item["text"]) for i, group in training.items() for item in group]
    for intent, text, _ in overlaps([(i, item["text"]) for i, group in fresh.items() for item in group], known):
        item = next(it for it in fresh[intent] if it["text"] == text)
        fresh[intent].remove(item)
        training[intent].append(item)


def main() -> None:
    for language in ("en", "fr"):
        pool = ROOT / "data" / "collected" / f"pool_{language}.jsonl"
        items = [json.loads(line) for line in pool.open(encoding="utf-8")]
        training, fresh = split(items, *previous_assignment(language))
        move_overlaps(training, fresh, language)
        fresh = {intent: group for intent, group in fresh.items() if group}
        collected_path(language).write_text(
            render(training, TRAINING_HEADER.format(language=language)), encoding="utf-8"
        )
        (ROOT / "tests" / "nlu" / f"fresh_{language}.yml").write_text(render(fresh, FRESH_HEADER), encoding="utf-8")
        print(language, "training", sum(map(len, training.values())), "fresh", sum(map(len, fresh.values())))


if __name__ == "__main__":
    main()
