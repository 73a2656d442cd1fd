"""The lint, format and type gate (issue 15): `make check` runs ruff and mypy and comes first in `make test` (so in
CI); mypy covers every package of the project and skips only packages that ship no type information; every
suppression names its rule and says why."""

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

from tests.support.repo import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def tracked(pattern: str) -> list[str]:
    return subprocess.run(
        ["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()


def recipe(target: str) -> tuple[list[str], str]:
    """A Makefile target's prerequisites and its recipe lines."""
    match = re.search(rf"^{target}:([^#\n]*)(?:##[^\n]*)?\n((?:\t[^\n]*\n)*)", MAKEFILE, re.M)
    assert match, f"no `{target}` target in the Makefile"
    return match.group(1).split(), match.group(2)


def test_make_test_runs_the_check_first_and_ci_runs_make_test():
    prerequisites, _ = recipe("test")
    assert prerequisites[0] == "check", prerequisites
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)


def test_the_check_lints_checks_the_format_and_types_without_rewriting_anything():
    _, lines = recipe("check")
    assert re.search(r"ruff check (--quiet )?\.$", lines, re.M)
    assert re.search(r"ruff format --check (--quiet )?\.$", lines, re.M)
    assert re.search(r"\$\(PY\) -m mypy$", lines, re.M)
    assert "--fix" not in lines and not re.search(r"ruff format (?!--check)", lines)
    assert "check" in subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True).stdout


def test_mypy_checks_every_package_of_the_project():
    packages = {Path(name).parts[0] for name in tracked("*/__init__.py") if len(Path(name).parts) == 2}
    packages -= {"tests"}
    checked = set(PYPROJECT["tool"]["mypy"]["files"])
    assert packages and packages <= checked, packages - checked
    assert "scripts" in checked and tracked("scripts/*.py")


def test_mypy_skips_only_packages_without_type_information():
    """`ignore_missing_imports` is per package and only for packages installed without py.typed or stubs: if one
    starts shipping types, mypy must check our use of it."""
    mypy = PYPROJECT["tool"]["mypy"]
    assert not mypy.get("ignore_missing_imports") and not mypy.get("ignore_errors")
    site = Path(
        subprocess.run(
            [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    skipped = [
        module
        for override in mypy.get("overrides", [])
        if override.get("ignore_missing_imports")
        for module in override["module"]
    ]
    assert skipped
    for module in skipped:
        name = module.removesuffix(".*")
        assert (site / name).is_dir() or (site / f"{name}.py").is_file(), f"{name} is not installed"
        assert not (site / name / "py.typed").exists(), f"{name} ships types now: check it"
        assert not (site / f"{name}-stubs").exists(), f"{name} has stubs installed: check it"


SUPPRESSION = re.compile(r"#\s*(noqa|type:\s*ignore)\b(.*)$")


def comments(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of each real comment — a "# noqa" inside a string or docstring is not one."""
    readline = io.StringIO("\n".join(lines) + "\n").readline
    return [(tok.start[0], tok.string) for tok in tokenize.generate_tokens(readline) if tok.type == tokenize.COMMENT]


def unexplained(lines: list[str]) -> list[tuple[int, str]]:
    """Lines with a `# noqa` / `# type: ignore` that names no rule or gives no reason (on the line itself, after
    the code, or in a comment on the line before)."""
    problems = []
    for number, comment in comments(lines):
        match = SUPPRESSION.search(comment)
        if not match:
            continue
        line = lines[number - 1]
        kind, rest = match.groups()
        code = re.match(
            r":\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*" if kind == "noqa" else r"\[[a-z-]+(?:,\s*[a-z-]+)*\]", rest
        )
        reason = rest[code.end() :].strip(" -—:#()") if code else ""
        before = lines[number - 2].strip() if number > 1 else ""
        if not code or not (reason or before.startswith("#")):
            problems.append((number, line.strip()))
    return problems


def test_the_suppression_scan_recognises_what_it_looks_for():
    assert unexplained(["import x  # noqa", "y = 1  # type: ignore", "z = f()  # noqa: E731"]) == [
        (1, "import x  # noqa"),
        (2, "y = 1  # type: ignore"),
        (3, "z = f()  # noqa: E731"),
    ]
    assert (
        unexplained(
            [
                "import x  # noqa: F401 - registers a factory",
                "# Rasa passes it by keyword",
                "def train(self, model):  # type: ignore[override]",
            ]
        )
        == []
    )


def test_a_suppression_mentioned_in_a_string_is_not_one():
    assert unexplained(['doc = "use # noqa sparingly"', "x = 1  # noqa"]) == [(2, "x = 1  # noqa")]


def test_every_suppression_names_its_rule_and_says_why():
    problems = {
        name: found
        for name in tracked("*.py")
        if (ROOT / name).exists()  # (a file being moved)
        and (found := unexplained((ROOT / name).read_text(encoding="utf-8").splitlines()))
    }
    assert problems == {}
