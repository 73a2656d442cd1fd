"""The project's own spaCy pipeline component (registered as the `gsdoa_normalizer` factory through the package's
entry points, so `spacy.load("en_gsdoa_pipeline")` finds it).

One parse serves everyone: the message is parsed once, in its original case, and this component gives each token
- `lemma_`: the lookup lemma of its lower-cased form ("Breathing", "BREATHING" -> "breathe"), which the
  classifier's word features use;
- `norm_`: a lower-case, accent-free form with French elisions spelled out ("l'" -> "le", "qu'" -> "que") and
  letters repeated 3+ times squeezed ("helppp" -> "helpp"), which the safety nets' Matcher patterns use.
Case-sensitive entity patterns ("BC", "Hope") still see the original text.
"""

from spacy.language import Language
from spacy.tokens import Doc

from gsdoa_nlu.text import normalize_token


class Normalizer:
    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self._lemmas = None

    def _lemma_table(self):
        if self._lemmas is None:
            lemmatizer = self._nlp.get_pipe("lemmatizer") if "lemmatizer" in self._nlp.pipe_names else None
            self._lemmas = lemmatizer.lookups.get_table("lemma_lookup", {}) if lemmatizer else {}
        return self._lemmas

    def __call__(self, doc: Doc) -> Doc:
        table = self._lemma_table()
        for token in doc:
            lower = token.lower_
            token.lemma_ = table.get(lower, lower)
            token.norm_ = normalize_token(token.text)
        return doc


@Language.factory("gsdoa_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp)
