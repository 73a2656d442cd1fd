"""What each custom NLU component's trained output depends on, for Rasa's training cache.

Rasa reuses a component's cached training output when the component's fingerprint key is unchanged. The key covers
the class's own source, its config and its inputs — not the data files the component opens itself, nor the module
functions outside the class, nor the project's spaCy pipeline (Rasa fingerprints a spaCy model by its name only).
Each component declares those through `fingerprint_addon` (Rasa's GraphComponent hook), built here from contents
(never modification times): the files it reads, the project modules its training code runs, and the installed
version of the spaCy pipeline (gsdoa_nlu/build_spacy.py: a hash of the pattern data and of its own code).

Run-time-only modules (the REST channel, the NLG, the stores) are no training input: editing them retrains nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SPACY_PIPELINE = "en_gsdoa_pipeline"


def module_path(name: str) -> Path:
    """The source file of a project module, e.g. 'text' -> gsdoa_nlu/text.py."""
    return PACKAGE_DIR / f"{name}.py"


def spacy_pipeline_version(package: str = SPACY_PIPELINE) -> str:
    """The installed version of the project's spaCy pipeline (it changes with its content), or 'missing'."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


def _name(path: Path) -> str:
    """A project module by its path in the repository (the same in every clone), a data file as configured."""
    try:
        return path.resolve().relative_to(PACKAGE_DIR.parent).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def digest(files: Iterable[str | Path | None], extra: Iterable[str] = ()) -> str:
    """sha256 over the named files' contents (by name, so order and duplicates don't matter) and extra strings.
    A missing file counts as 'missing' (training then fails on it with its own message)."""
    hasher = hashlib.sha256()
    for name, path in sorted({_name(Path(p)): Path(p) for p in files if p}.items()):
        hasher.update(name.encode("utf-8") + b"\0")
        try:
            hasher.update(path.read_bytes())
        except OSError:
            hasher.update(b"<missing>")
        hasher.update(b"\0")
    for value in extra:
        hasher.update(value.encode("utf-8") + b"\0")
    return hasher.hexdigest()


def sources(modules: Iterable[str], data_files: Iterable[str | None] = ()) -> list[str]:
    """The files a fingerprint covers: project modules (by name) and data files (as configured, relative to the
    working directory Rasa trains from, like the components that open them)."""
    return [str(module_path(m)) for m in modules] + [str(f) for f in data_files if f]
