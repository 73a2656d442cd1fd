"""The review pack (ops/review_pack.py): it covers everything the bot says, in both languages, and its sign-off
marks tell a reviewer exactly what changed since they signed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ops import review_pack
from ops.content_index import response_variants
from tests.support.repo import load_yaml


@pytest.fixture(scope="module")
def items():
    return review_pack.items()


def test_every_answer_directory_entry_and_the_card_are_in_the_pack(items):
    ids = {item["id"] for item in items}
    assert {row["name"] for row in response_variants()} <= ids
    assert {f"directory:{e['id']}" for e in load_yaml("data/resources/directory.yml")["entries"]} <= ids
    assert "card:overdose_response" in ids
    assert {f"texts.yml:{name}" for name in load_yaml("data/texts.yml")["texts"]} <= ids


def test_every_answer_is_shown_in_english_and_french_with_length_and_reading_level(items):
    for item in items:
        languages = {v["language"] for v in item["variants"]}
        assert {"en", "fr"} <= languages, item["id"]
        for variant in item["variants"]:
            assert variant["chars"] == len(variant["text"])
            assert variant["reading"] is None or "ease" in variant["reading"]


def test_legal_answers_show_their_sources_and_where_they_are_used(items):
    legal = [i for i in items if i["kind"] == "legal"]
    assert legal
    for item in legal:
        assert item["sources"] and item["checked"] and item["where"], item["id"]


def test_a_signed_item_is_signed_until_it_changes(tmp_path, items):
    path = tmp_path / "signoff.yml"
    path.write_text("# header kept\nsignoffs: []\n", encoding="utf-8")
    target = next(i for i in items if i["id"] == "utter_emergency")
    review_pack.sign(["utter_emergency"], "A. Reviewer", "harm-reduction lawyer", "2026-11-30", path, items)
    signoffs = review_pack.load_signoffs(path)
    assert path.read_text(encoding="utf-8").startswith("# header kept")
    assert signoffs[0]["sha256"] == target["sha256"] and signoffs[0]["role"] == "harm-reduction lawyer"
    assert review_pack.status(target, signoffs)["state"] == "signed"

    changed = copy.deepcopy(target)
    changed["variants"][0]["text"] += " One more sentence."
    changed["sha256"] = review_pack._digest({"variants": changed["variants"], "sources": changed["sources"]})
    assert review_pack.status(changed, signoffs)["state"] == "needs re-review"
    others = [i for i in items if i["id"] != "utter_emergency"]
    assert review_pack.counts([changed] + others, signoffs) == {
        "items": len(items),
        "signed": 0,
        "needs re-review": 1,
        "never signed": len(others),
    }


def test_signing_an_unknown_item_or_without_a_name_writes_nothing(tmp_path, items):
    path = tmp_path / "signoff.yml"
    path.write_text("signoffs: []\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        review_pack.sign(["utter_no_such_answer"], "A. Reviewer", "lawyer", "2026-11-30", path, items)
    with pytest.raises(SystemExit):
        review_pack.sign(["utter_emergency"], " ", "lawyer", "2026-11-30", path, items)
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"signoffs": []}


def test_the_pack_prints_the_re_review_count_and_both_languages_side_by_side(items):
    target = next(i for i in items if i["id"] == "utter_emergency")
    old = {"item": "utter_emergency", "reviewer": "A", "role": "lawyer", "date": "2026-01-01", "sha256": "0" * 64}
    page = review_pack.build_html(items, [old], "abc1234")
    assert "<td><b>1</b></td>" in page  # needs re-review: 1
    assert "needs re-review" in page and "Français" in page and "English" in page
    assert target["variants"][0]["text"].splitlines()[0].replace("'", "&#x27;") in page
    assert "http" not in page.split("<body>")[0]  # nothing fetched: no external stylesheet or script
    assert "<script" not in page


def test_the_committed_signoff_file_is_valid(items):
    ids = {i["id"] for i in items}
    for entry in review_pack.load_signoffs():
        assert entry["item"] in ids and entry["reviewer"] and entry["role"] and len(entry["sha256"]) == 64


@pytest.mark.browser
def test_the_pack_prints_to_pdf_with_debians_chromium(tmp_path):
    result = review_pack.build(out_dir=tmp_path)
    assert result["pdf"] is not None, "Chromium not installed: run `make browser-tools`"
    assert Path(result["pdf"]).read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "index.html").read_text(encoding="utf-8").count('<section class="item"') == result["items"]
