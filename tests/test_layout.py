"""Where test code lives: helpers that tests import by name are in tests/support/; conftest.py files define
fixtures and pytest hooks only, and nothing imports from a conftest.py."""

import ast
from pathlib import Path

from tests.support.repo import ROOT

TESTS = ROOT / "tests"


def python_files():
    return sorted(p for p in TESTS.rglob("*.py") if "node_modules" not in p.parts)


def conftest_imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        if any(name == "conftest" or name.endswith(".conftest") or ".conftest." in name for name in names):
            yield node.lineno


def is_fixture_or_hook(node: ast.AST) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        decorators = [ast.unparse(d) for d in node.decorator_list]
        return node.name.startswith("pytest_") or any(d.startswith("pytest.fixture") for d in decorators)
    return False


def test_nothing_imports_from_a_conftest():
    found = [f"{p.relative_to(ROOT)}:{line}" for p in python_files() for line in conftest_imports(p)]
    assert not found, f"import helpers from tests/support/ instead: {found}"


def test_conftest_files_define_fixtures_and_hooks_only():
    conftests = [p for p in python_files() if p.name == "conftest.py"]
    assert len(conftests) >= 5
    found = [
        f"{p.relative_to(ROOT)}: {node.name}"
        for p in conftests
        for node in ast.parse(p.read_text(encoding="utf-8")).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not is_fixture_or_hook(node)
    ]
    assert not found, f"move these to tests/support/: {found}"


def test_the_checks_see_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tests.web.conftest import AXE\nfrom . import conftest\nimport tests.conftest\n"
        "def f():\n    from .conftest import x\n"
    )
    assert sorted(conftest_imports(sample)) == [1, 2, 3, 5]
    module = ast.parse(
        "import pytest\n@pytest.fixture(scope='session')\ndef a(): ...\n"
        "def pytest_configure(config): ...\ndef helper(): ...\nclass Thing: ...\n"
    )
    assert [is_fixture_or_hook(n) for n in module.body[1:]] == [True, True, False, False]
