"""Check that moving NLU examples between files changed nothing in the training data as a whole.

    python scripts/check_nlu_moves.py                 # data/nlu/ in the working tree against the last commit
    python scripts/check_nlu_moves.py --against REV   # ... against any commit

Reads every NLU file under data/nlu/ (at REV through `git archive`, and in the working tree) with Rasa's own
reader and compares the multisets of (full intent, text) pairs, and the synonyms, regexes and lookup tables.
Exit status 1 and the differences when they are not identical.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NLU = "data/nlu"


def training_data(directory: Path) -> tuple[Counter, Counter, set]:
    """Over every NLU file: the multiset of (intent, example) as written (duplicates included), the other
    sections, and the set of (full intent, text) Rasa reads (annotations resolved, duplicates dropped)."""
    import yaml
    from rasa.shared.data import is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data

    written: Counter = Counter()
    other: Counter = Counter()
    read: set = set()
    for path in sorted(directory.rglob("*.yml")):
        if not is_nlu_file(str(path)):
            continue
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                other[(next(iter(block)), repr(block))] += 1
                continue
            examples = block.get("examples") or []
            if isinstance(examples, str):
                examples = [line.strip()[2:] for line in examples.splitlines() if line.strip()]
            else:
                examples = [e["text"] if isinstance(e, dict) else e for e in examples]
            written.update((block["intent"], example) for example in examples)
        read.update((m.get_full_intent(), m.get("text")) for m in load_data(str(path)).intent_examples)
    return written, other, read


def at_commit(rev: str, target: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, NLU], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target)
    return target / NLU


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="the commit to compare with (default: HEAD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before, before_other, before_read = training_data(at_commit(args.against, Path(tmp)))
    after, after_other, after_read = training_data(ROOT / NLU)
    print(
        f"{args.against}: {sum(before.values())} examples as written, {len(before_read)} distinct as read, "
        f"{sum(before_other.values())} other entries"
    )
    print(
        f"working tree: {sum(after.values())} examples as written, {len(after_read)} distinct as read, "
        f"{sum(after_other.values())} other entries"
    )
    differences = [
        ("only before", before - after),
        ("only after", after - before),
        ("only before", before_other - after_other),
        ("only after", after_other - before_other),
        ("only before (read)", Counter(before_read - after_read)),
        ("only after (read)", Counter(after_read - before_read)),
    ]
    for label, found in differences:
        for item, count in sorted(found.items()):
            print(f"  {label}: {count} x {item}")
    same = not any(found for _, found in differences)
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
