"""PRIVACY.md and the bot say the same thing, and every promise names the test that proves it.

Why: "promises are code". data/privacy.yml words each privacy promise once; the bot's answers and PRIVACY.md use
those sentences word for word, and PRIVACY.md has a table (English and French) in which each promise names the
tests that prove it. This file checks the wording and that every test named in the tables really exists, so a
renamed or deleted test can't leave a promise unproven without CI noticing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PRIVACY_MD = (ROOT / "PRIVACY.md").read_text(encoding="utf-8")
STATEMENTS = yaml.safe_load((ROOT / "data" / "privacy.yml").read_text(encoding="utf-8"))["statements"]
TABLE_HEADINGS = {
    "en": "## Each promise and the test that proves it",
    "fr": "## Chaque engagement et le test qui le prouve",
}
_ROW = re.compile(r"^\|\s*(P\d+)\s*\|(.+?)\|(.+)\|\s*$")
_TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::([\w]+)(?:\[[^\]]*\])?`")


def _section(language: str) -> str:
    """The part of PRIVACY.md in one language (English first, then French after the '---' line)."""
    english, _, french = PRIVACY_MD.partition("\n---\n")
    assert french, "PRIVACY.md must have an English part, a '---' line, then a French part"
    return english if language == "en" else french


def promise_rows(language: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """{promise id: (promise text, [(test file, test name), …])} from the promise table of one language."""
    text = _section(language)
    heading = TABLE_HEADINGS[language]
    assert heading in text, f"PRIVACY.md ({language}) has no table headed {heading!r}"
    rows: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for line in text.split(heading, 1)[1].splitlines():
        if line.startswith("## "):
            break
        match = _ROW.match(line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), _TEST_REF.findall(match.group(3)))
    return rows


def _defined_tests(path: Path) -> set[str]:
    """Names of test functions (module level or in classes) defined in one test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_statement_is_in_privacy_md_word_for_word(language):
    section = _section(language)
    missing = [key for key, entry in STATEMENTS.items() if entry[language] not in section]
    assert not missing, f"PRIVACY.md ({language}) lacks the wording of data/privacy.yml for {missing}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_bots_privacy_answer_uses_every_statement_word_for_word(language):
    responses = yaml.safe_load((ROOT / "data" / "responses" / "privacy.yml").read_text(encoding="utf-8"))
    variants = responses["responses"]["utter_privacy/data_kept"]
    is_french = [any(c.get("value") == "fr" for c in v.get("condition", [])) for v in variants]
    texts = [v["text"] for v, fr in zip(variants, is_french, strict=True) if fr == (language == "fr")]
    assert texts
    for text in texts:
        missing = [key for key, entry in STATEMENTS.items() if entry[language] not in text]
        assert not missing, f"utter_privacy/data_kept ({language}) lacks {missing}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_promise_names_tests_that_exist(language):
    rows = promise_rows(language)
    assert len(rows) >= 10, "the promise table should list every promise"
    problems = []
    for promise_id, (text, refs) in rows.items():
        if not refs:
            problems.append(f"{promise_id} ({text[:40]}…) names no test")
        for file, name in refs:
            path = ROOT / file
            if not path.exists():
                problems.append(f"{promise_id}: {file} doesn't exist")
            elif name not in _defined_tests(path):
                problems.append(f"{promise_id}: {file} has no test named {name}")
    assert not problems, "\n".join(problems)


def test_english_and_french_tables_list_the_same_promises_with_the_same_tests():
    english, french = promise_rows("en"), promise_rows("fr")
    assert english.keys() == french.keys()
    for promise_id in english:
        assert sorted(english[promise_id][1]) == sorted(french[promise_id][1]), promise_id


def test_the_checker_notices_a_missing_test(tmp_path):
    """The table check can fail: a reference to a test that isn't defined is found."""
    sample = tmp_path / "test_sample.py"
    sample.write_text("def test_real():\n    assert True\n", encoding="utf-8")
    assert _defined_tests(sample) == {"test_real"}
    assert _TEST_REF.findall("`tests/a/test_b.py::test_c[x-1]`") == [("tests/a/test_b.py", "test_c")]
