"""Images hold runtime code only: the Dockerfiles copy the runtime packages, data, Rasa's config, the lock and the
model, never dev tooling (ops/, scripts/, tests/, docs/: the fake Telegram API, generators, reports, benchmarks);
.dockerignore keeps everything else out of the build context; and no runtime package imports dev tooling."""

import ast
import re
from pathlib import Path

from tests.support.repo import ROOT

DOCKERFILES = sorted((ROOT / "deploy").glob("Dockerfile.*"))
DEV_ONLY = ("ops", "tools", "scripts", "tests", "docs", "build", "results", ".venv", ".venv-tools", ".ci", ".git")
RUNTIME_FILES = {
    "config.yml",
    "domain.yml",
    "credentials.yml",
    "pyproject.toml",
    "requirements/lock.txt",
    "deploy/endpoints.production.yml",
    "models/gsdoa.tar.gz",
}


def copy_sources(dockerfile: Path):
    """The build-context paths of every COPY/ADD (continuation lines joined, flags dropped; not COPY --from)."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].upper() not in {"COPY", "ADD"}:
            continue
        flags = [w for w in words[1:] if w.startswith("--")]
        if any(flag.startswith("--from") for flag in flags):
            continue
        paths = [w for w in words[1:] if not w.startswith("--")]
        yield from (p.rstrip("/").removeprefix("./") for p in paths[:-1])


def runtime_packages():
    """The Python packages the images copy (directories holding .py files)."""
    return sorted(
        {
            source
            for dockerfile in DOCKERFILES
            for source in copy_sources(dockerfile)
            if (ROOT / source).is_dir() and any((ROOT / source).rglob("*.py"))
        }
    )


def test_dockerfiles_copy_runtime_packages_data_config_and_model_only():
    assert {p.name for p in DOCKERFILES} == {"Dockerfile.actions", "Dockerfile.rasa"}
    for dockerfile in DOCKERFILES:
        sources = list(copy_sources(dockerfile))
        assert sources, dockerfile
        for source in sources:
            assert source not in {".", "*", ""}, f"{dockerfile.name} copies the whole build context"
            assert not source.startswith(DEV_ONLY), f"{dockerfile.name} copies dev-only {source}"
            assert source in RUNTIME_FILES or source == "data" or source in runtime_packages(), (
                f"{dockerfile.name} copies {source}, which is neither a runtime package nor listed as a runtime file"
            )
    assert {"actions", "bot", "gsdoa_nlu"} <= set(runtime_packages())


def test_dockerignore_lets_only_what_the_images_copy_into_the_build_context():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "everything is left out first"
    let_in = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = {source for dockerfile in DOCKERFILES for source in copy_sources(dockerfile)}
    assert let_in == copied, (sorted(let_in - copied), sorted(copied - let_in))
    assert {"**/__pycache__", "**/*.pyc"} <= set(lines)


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.lineno, str(node.args[0].value)


def test_no_runtime_package_imports_dev_tooling():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for package in runtime_packages()
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in imported_modules(path)
        if module.split(".")[0] in DEV_ONLY
    ]
    assert not found, found


def test_the_import_scan_sees_imports_anywhere_in_a_module(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\ndef f():\n    from ops.services import free_port\n    import tests.conftest\n"
        "import importlib\nimportlib.import_module('scripts.x')\nfrom . import sibling\n"
    )
    modules = sorted(module for _, module in imported_modules(sample))
    assert modules == ["importlib", "ops.services", "os", "scripts.x", "tests.conftest"]


def test_the_copy_parser_reads_flags_continuations_and_stages(tmp_path):
    sample = tmp_path / "Dockerfile.sample"
    sample.write_text(
        "FROM x AS build\nCOPY --chown=1001 actions \\\n     ./data/ /app/\nCOPY --from=build /a /b\nADD ops ./ops\n"
    )
    assert list(copy_sources(sample)) == ["actions", "data", "ops"]
