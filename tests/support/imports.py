"""Import code in a fresh interpreter and list the heavy packages it pulled in (channels and the content package
must stay free of rasa and spacy: they run where the NLU doesn't)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

HEAVY = ("rasa", "rasa_sdk", "spacy", "tensorflow")


def heavy_modules_loaded_by(code: str, cwd: Path, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Run `code` in a new Python process started in `cwd`; the loaded modules whose top package is in `heavy`."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])  # the list the probe printed
