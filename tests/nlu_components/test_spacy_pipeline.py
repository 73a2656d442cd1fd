"""The project's spaCy pipeline as installed by `make spacy` (en_gsdoa_pipeline): French elisions and places."""

import pytest
import spacy


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_gsdoa_pipeline")


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("l'ambulance arrive", ["l'", "ambulance", "arrive"]),
        ("j'ai appelé qu'il respire", ["j'", "ai", "appelé", "qu'", "il", "respire"]),
        ("d'la dope jusqu'à demain", ["d'", "la", "dope", "jusqu'", "à", "demain"]),
        ("s’il vous plaît", ["s’", "il", "vous", "plaît"]),  # typographic apostrophe
        ("I'm sure they don't", ["I", "'m", "sure", "they", "do", "n't"]),  # English unchanged
    ],
)
def test_french_elisions_are_their_own_tokens(nlp, text, tokens):
    assert [t.text for t in nlp(text)] == tokens


@pytest.mark.parametrize(
    "text, label, words",
    [
        ("la loi s'applique-tu à l'Ontario", "province", "Ontario"),
        ("chu à l'Île-du-Prince-Édouard", "province", "Île-du-Prince-Édouard"),
        ("y'a d'l'héroïne dans le stock", "substance", "héroïne"),
    ],
)
def test_places_and_substances_are_found_after_an_elision(nlp, text, label, words):
    found = [(e.label_, e.text) for e in nlp(text).ents]
    assert any(found_label == label and words in span for found_label, span in found), found
