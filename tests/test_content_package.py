"""gsdoa_content, the one package that opens data/ at run time: its path rule, its language rule, no Rasa or spaCy,
and no other runtime module opening data/ files itself."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import gsdoa_content
from gsdoa_content.files import _load
from tests.support.imports import heavy_modules_loaded_by
from tests.support.repo import ROOT

# The code that runs while the bot serves users: the action server, the channels and bridge, the REST channel and the
# tracker store and response generator Rasa loads at run time. (NLU training components read data/patterns and
# data/nlu themselves, at training time.)
RUNTIME = [
    *sorted((ROOT / "actions").rglob("*.py")),
    *sorted((ROOT / "bot").rglob("*.py")),
    ROOT / "gsdoa_nlu" / "channels.py",
    ROOT / "gsdoa_nlu" / "stores.py",
    ROOT / "gsdoa_nlu" / "nlg.py",
]
OPENS_FILES = re.compile(r"(?<![\w.])open\(|\.read_text\(|\.read_bytes\(|yaml\.safe_load|load_yaml\(")


def test_the_package_imports_neither_rasa_nor_spacy():
    code = "import gsdoa_content, gsdoa_content.sources; gsdoa_content.text('ask_province', 'fr')"
    assert heavy_modules_loaded_by(code, ROOT) == []


def test_data_is_found_whatever_the_working_directory(tmp_path):
    code = "import gsdoa_content; print(gsdoa_content.data_dir()); print(gsdoa_content.text('no_text', 'en'))"
    env = {k: v for k, v in __import__("os").environ.items() if k != gsdoa_content.DATA_DIR_ENV}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    where, reply = result.stdout.splitlines()[:2]
    assert where == str(ROOT / "data") and "911" in reply


def test_one_environment_variable_moves_the_data_folder(tmp_path, monkeypatch):
    (tmp_path / "texts.yml").write_text('texts:\n  ask_province: {en: "Where are you?", fr: ""}\n', encoding="utf-8")
    monkeypatch.setenv(gsdoa_content.DATA_DIR_ENV, str(tmp_path))
    assert gsdoa_content.data_dir() == tmp_path
    assert gsdoa_content.text("ask_province", "fr") == "Where are you?"  # empty French: English
    monkeypatch.delenv(gsdoa_content.DATA_DIR_ENV)
    assert gsdoa_content.text("ask_province", "fr").startswith("Dans quelle province")


@pytest.mark.parametrize(
    "entry, language, expected",
    [
        ({"en": "Hi", "fr": "Bonjour"}, "fr", "Bonjour"),
        ({"en": "Hi", "fr": "Bonjour"}, "en", "Hi"),
        ({"en": "Hi", "fr": ""}, "fr", "Hi"),  # not written yet: English
        ({"en": "Hi"}, "fr", "Hi"),
        ({"en": "Hi", "fr": "Bonjour"}, None, "Hi"),  # unknown: English
        ({"en": "Hi", "fr": "Bonjour"}, "de", "Hi"),
    ],
)
def test_the_language_rule_is_the_requested_language_else_english(entry, language, expected):
    assert gsdoa_content.in_language(entry, language) == expected


def test_both_languages_only_when_asked():
    assert gsdoa_content.both_languages({"en": "Hi", "fr": "Bonjour"}) == "Hi\n\nBonjour"
    assert gsdoa_content.both_languages({"en": "Hi"}) == "Hi"


def test_files_are_parsed_once_per_process():
    before = _load.cache_info().misses
    gsdoa_content.texts(), gsdoa_content.texts(), gsdoa_content.provinces()
    assert _load.cache_info().misses <= before + 2


def test_no_other_runtime_module_opens_files():
    """Only gsdoa_content reads data/: actions, channels and the bridge ask it (the REST channel still reads the
    domain itself, which isn't under data/; the web server serves its own widget files)."""
    # (module, call) -> what the line must read: the domain (not under data/), the widget's own files
    allowed = {
        ("gsdoa_nlu/channels.py", "load_yaml("): "load_yaml(domain)",
        ("bot/web/server.py", ".read_bytes("): "target.",
    }
    found = []
    for path in RUNTIME:
        relative = path.relative_to(ROOT).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in OPENS_FILES.finditer(line):
                if allowed.get((relative, match.group(0)), "\0") not in line and not line.lstrip().startswith(
                    ("#", "from ")
                ):
                    found.append((relative, line.strip()))
    assert not found, found


def test_places_come_from_data_jurisdictions():
    assert gsdoa_content.provinces()[:2] == ("BC", "AB") and "ON" in gsdoa_content.provinces()
    assert gsdoa_content.province_name("QC", "fr") == "Québec" and gsdoa_content.province_name("QC", "en") == "Quebec"
    assert gsdoa_content.city_name("québec city", "fr") == "la ville de Québec"
    assert gsdoa_content.city_name("Regina", "fr") == "Regina"
    assert gsdoa_content.city_provinces()["Regina"] == ["SK"]
