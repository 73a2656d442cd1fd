"""The repository's root and its data files, for tests (never the working directory)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def read_lines(relative: str) -> list[str]:
    """The non-blank lines of a text file under the root, stripped."""
    return [line.strip() for line in (ROOT / relative).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_yaml(relative: str):
    """A YAML file under the root, parsed."""
    with open(ROOT / relative, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
