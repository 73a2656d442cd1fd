import pytest

from gsdoa_nlu.patterns import (
    PatternError,
    compile_emergency_patterns,
    compile_matcher_pattern,
    load_yaml,
    place_patterns,
    split_entity_id,
    term_patterns,
)

SETS = {"NEG": ["not", "nt"]}


def test_mini_language_compiles_to_matcher_tokens():
    assert compile_matcher_pattern("@NEG ~breathe", SETS) == [
        {"NORM": {"IN": ["not", "nt"]}},
        {"LEMMA": {"IN": ["breathe"]}},
    ]
    assert compile_matcher_pattern("took _{0,2} too much|many", SETS) == [
        {"NORM": "took"},
        {"OP": "?"},
        {"OP": "?"},
        {"NORM": "too"},
        {"NORM": {"IN": ["much", "many"]}},
    ]
    assert compile_matcher_pattern("just? /od+/", SETS) == [
        {"NORM": "just", "OP": "?"},
        {"NORM": {"REGEX": "^(?:od+)$"}},
    ]
    # pattern words are normalized like the tokens they match: accents, apostrophes, clitics
    assert compile_matcher_pattern("réveillé n't", SETS) == [{"NORM": "reveille"}, {"NORM": "nt"}]


@pytest.mark.parametrize("bad", ["@MISSING word", "_{0,2}", "_{0,40} x", ""])
def test_bad_patterns_are_rejected(bad):
    with pytest.raises(PatternError):
        compile_matcher_pattern(bad, SETS)


def test_project_emergency_patterns_compile(root):
    compiled = compile_emergency_patterns(load_yaml(root / "data/patterns/emergency.yml"))
    assert {"not_breathing", "wont_wake", "french"} <= set(compiled)
    assert sum(len(p) for p in compiled.values()) > 60


def test_entity_patterns_cover_every_province_with_case_variants(root):
    patterns = place_patterns(load_yaml(root / "data/patterns/places.yml"), str.split)
    ids = {split_entity_id(p["id"])[0] for p in patterns if p["label"] == "province"}
    assert ids == {"BC", "AB", "SK", "MB", "ON", "QC", "NB", "NS", "PE", "NL", "YT", "NT", "NU"}
    # case-sensitive aliases ("ON") carry the mark the annotator checks
    assert any(p["id"] == "ON#cs" for p in patterns)
    surfaces = {p["pattern"] for p in patterns if isinstance(p["pattern"], str)}
    assert {"nova scotia", "Nova Scotia", "NOVA SCOTIA"} <= surfaces
    foreign = {p["id"] for p in patterns if p["label"] == "foreign_place"}
    assert {"Seattle", "United States"} <= foreign


def test_no_place_is_both_canadian_and_foreign(root):
    patterns = place_patterns(load_yaml(root / "data/patterns/places.yml"), str.split)

    def surfaces(labels):
        return {
            (
                p["pattern"]
                if isinstance(p["pattern"], str)
                else " ".join(t.get("ORTH", t.get("LOWER", "")) for t in p["pattern"])
            ).lower()
            for p in patterns
            if p["label"] in labels
        }

    assert not surfaces({"foreign_place"}) & surfaces({"province", "city"})


def test_term_patterns_use_canonical_ids(root):
    patterns = term_patterns(load_yaml(root / "data/patterns/legal_situations.yml"), "legal_situation", str.split)
    assert {"bail", "probation", "parole", "conditional_sentence", "warrant", "trafficking", "production"} <= {
        p["id"] for p in patterns
    }
