"""Where data/ is, and reading its YAML files (parsed once per process).

The path rule: `GSDOA_DATA_DIR` when set, else the data/ folder beside this package — the repository root in a
checkout or an editable install, /app in the Docker images. Never the working directory."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

DATA_DIR_ENV = "GSDOA_DATA_DIR"


def data_dir() -> Path:
    """The data/ folder the bot reads at run time."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "data"


def load_path(path: str | Path) -> dict[str, Any]:
    """A YAML file parsed ({} when empty); OSError when it can't be read."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@functools.cache
def _load(directory: str, relative: str) -> dict[str, Any]:
    return load_path(Path(directory) / relative)


def load(relative: str) -> dict[str, Any]:
    """A file under data/ by its path there ("texts.yml", "resources/directory.yml"), parsed once per process
    (per data folder). Callers must not modify what they get."""
    return _load(str(data_dir()), relative)
