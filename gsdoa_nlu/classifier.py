"""FlatIntentClassifier: one linear model over every answer the bot can give, instead of DIET plus five
ResponseSelectors.

Why (measured: `python -m ops.compare_classifiers`, docs/classifier-comparison.md): on phrasings it has never
seen, a linear model on TF-IDF words + character n-grams + multilingual sentence embeddings generalizes better than
DIET on this data, trains in well under a minute instead of many, answers in a few milliseconds, and needs no
TensorFlow model at run time. It predicts the full intent directly ("legal/arrest", "greet"), so retrieval answers
need no selectors: it fills Rasa's `response_selector` output itself, which `utter_legal` and the other retrieval
actions read.

It builds its own features from the message's one spaCy parse, in training and at run time alike:
- words: the tokens' lower-case lemmas, with every token of a place ("Halifax", "nouvelle-écosse") replaced by
  "__place__" so the model learns "naloxone in __place__" rather than a few town names;
- characters: char n-grams (1–4, within words) of the same masked text — typos, slang spellings, missing accents;
- meaning: the message's sentence embedding (gsdoa_nlu/embeddings.py), so English and French that mean the same
  land close together; it is kept on the message for the semantic emergency layer (SafetyNets).
Word and character counts become sublinear TF-IDF, each block L2-normalized; the embedding is weighted by
`dense_weight`. The model is a linear SVM (one-vs-rest; 10x faster to train than logistic regression here, same
accuracy), its scores turned into probabilities by a softmax whose temperature is fitted by cross-validation, so
the fallback's confidence threshold means what it says. Everything is stored as plain arrays (.npz + JSON).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from gsdoa_nlu.embeddings import EmbeddingCache, embed, model_version
from gsdoa_nlu.fingerprints import digest, sources, spacy_pipeline_version
from gsdoa_nlu.places import PLACEHOLDER, place_spans

# A component's configuration as Rasa passes it to create() and load().
Config = dict[str, Any]

logger = logging.getLogger(__name__)
RETRIEVAL_DELIMITER = "/"
EMBEDDING_KEY = "sentence_embedding"  # the message's vector, for the semantic emergency layer


# ---------------------------------------------------------------------------------------------------------- features
def masked_tokens(message: Message) -> list[str]:
    """Lower-case lemmas of the message's tokens, places replaced by the placeholder."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    doc = message.get(SPACY_DOCS[TEXT])
    spans = place_spans(doc, message.get(TEXT) or "") if doc is not None else []
    words = []
    for token in tokens:
        inside = any(start <= token.start and token.end <= end for start, end in spans)
        words.append(PLACEHOLDER if inside else (token.lemma or token.text or "").lower())
    return words


def _word_analyzer(words: list[str]) -> list[str]:
    return words


def _vectorizer(analyzer: str, vocabulary: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import CountVectorizer

    if analyzer == "words":
        return CountVectorizer(analyzer=_word_analyzer, vocabulary=vocabulary)
    return CountVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), lowercase=False, vocabulary=vocabulary, min_df=1 if vocabulary else 2
    )


def _tfidf(counts, idf: np.ndarray):
    counts = counts.astype(np.float32)
    counts.data = np.log1p(counts.data)  # sublinear term frequency
    weighted = counts @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ weighted


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """The softmax temperature that makes cross-validated scores most likely (a one-number calibration)."""
    best, best_loss = 1.0, np.inf
    for temperature in np.geomspace(0.5, 50, 60):
        probabilities = _softmax(scores * temperature)
        loss = -np.mean(np.log(probabilities[np.arange(len(labels)), labels] + 1e-12))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FlatIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 1.0,
            "dense_weight": 1.5,
            "embeddings": True,
            "ranking_length": 10,
            "calibration_folds": 3,
            "random_seed": 42,
            "embedding_cache": "build/embedding-cache",
            "unknown_words_confidence": 0.2,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        state: dict[str, Any] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._state = state
        self._vectorizers: dict[str, Any] = {}

    @property
    def _trained(self) -> dict[str, Any]:
        """The trained or loaded model (train() and load() set it before anything predicts)."""
        if self._state is None:
            raise RuntimeError("FlatIntentClassifier used before it was trained or loaded")
        return self._state

    @classmethod
    def create(
        cls, config: Config, model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> FlatIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_sources(cls, config: dict[str, Any]) -> list[str]:
        """What training runs besides this class (gsdoa_nlu/fingerprints.py): this module's feature functions, the
        place mask, the embeddings."""
        return sources(["classifier", "places", "patterns", "embeddings"])

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # + the spaCy pipeline (its lemmas and place matches are the features) and the sentence encoder's version.
        return digest(cls.fingerprint_sources(config), [spacy_pipeline_version(), model_version()])

    # ---- features ----------------------------------------------------------------------------------------------
    def _features(self, messages: list[Message], vectors: np.ndarray | None) -> sp.csr_matrix:
        words = [masked_tokens(m) for m in messages]
        blocks = []
        for name, inputs in (("words", words), ("chars", [" ".join(w) for w in words])):
            vectorizer = self._vectorizers.get(name) or _vectorizer(name, self._trained["vocabulary"][name])
            self._vectorizers[name] = vectorizer
            blocks.append(_tfidf(vectorizer.transform(inputs), self._trained["idf"][name]))
        if vectors is not None:
            blocks.append(sp.csr_matrix(vectors * float(self._config["dense_weight"])))
        return sp.hstack(blocks).tocsr()

    def _embeddings(self, messages: list[Message], training: bool = False) -> np.ndarray | None:
        if not self._config["embeddings"]:
            return None
        texts = [m.get(TEXT) or "" for m in messages]
        if training:
            cache_dir = os.environ.get("GSDOA_EMBEDDING_CACHE", self._config.get("embedding_cache"))
            return EmbeddingCache(Path(cache_dir) if cache_dir else None).embed(texts)
        return embed(texts)

    # ---- training ----------------------------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC

        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        labels = [e.get_full_intent() for e in examples]
        classes = sorted(set(labels))
        y = np.array([classes.index(label) for label in labels])
        words = [masked_tokens(m) for m in examples]
        vocabulary, idf = {}, {}
        for name, inputs in (("words", words), ("chars", [" ".join(w) for w in words])):
            counts = _vectorizer(name).fit(inputs)
            vocabulary[name] = {term: int(index) for term, index in counts.vocabulary_.items()}
            document_frequency = np.asarray((counts.transform(inputs) > 0).sum(axis=0)).ravel()
            idf[name] = (np.log((1 + len(inputs)) / (1 + document_frequency)) + 1).astype(np.float32)
        self._state = {"vocabulary": vocabulary, "idf": idf}
        self._vectorizers = {}
        features = self._features(examples, self._embeddings(examples, training=True))

        def svm() -> LinearSVC:
            return LinearSVC(C=float(self._config["C"]), random_state=int(self._config["random_seed"]))

        # Temperature from out-of-fold scores: how far apart the scores of right and wrong answers really are.
        folds = StratifiedKFold(
            n_splits=int(self._config["calibration_folds"]), shuffle=True, random_state=int(self._config["random_seed"])
        )
        out_of_fold = np.zeros((len(y), len(classes)), dtype=np.float32)
        counts = np.bincount(y, minlength=len(classes))
        calibrate = counts.min() >= folds.get_n_splits()
        if calibrate:
            for train_index, test_index in folds.split(features, y):
                fold = svm().fit(features[train_index], y[train_index])
                scores = np.full((len(test_index), len(classes)), -10.0, dtype=np.float32)
                scores[:, fold.classes_] = fold.decision_function(features[test_index])
                out_of_fold[test_index] = scores
        model = svm().fit(features, y)
        temperature = fit_temperature(out_of_fold, y) if calibrate else 5.0
        self._state.update(
            {
                "classes": classes,
                "coef": model.coef_.astype(np.float32),
                "intercept": model.intercept_.astype(np.float32),
                "temperature": temperature,
                "retrieval_intents": sorted(training_data.retrieval_intents),
            }
        )
        logger.debug(
            "FlatIntentClassifier: %d examples, %d answers, temperature %.2f", len(y), len(classes), temperature
        )
        self._persist()
        return self._resource

    def _persist(self) -> None:
        state = self._trained
        with self._model_storage.write_to(self._resource) as directory:
            np.savez_compressed(
                directory / "model.npz",
                coef=state["coef"],
                intercept=state["intercept"],
                idf_words=state["idf"]["words"],
                idf_chars=state["idf"]["chars"],
            )
            (directory / "model.json").write_text(
                json.dumps(
                    {
                        "classes": state["classes"],
                        "retrieval_intents": state["retrieval_intents"],
                        "temperature": state["temperature"],
                        "vocabulary": state["vocabulary"],
                    },
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )

    @classmethod
    def load(
        cls,
        config: Config,
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FlatIntentClassifier:
        with model_storage.read_from(resource) as directory:
            arrays = np.load(directory / "model.npz")
            stored = json.loads((directory / "model.json").read_text(encoding="utf-8"))
            state = {
                "coef": arrays["coef"],
                "intercept": arrays["intercept"],
                "idf": {"words": arrays["idf_words"], "chars": arrays["idf_chars"]},
                **stored,
            }
        component = cls(config, model_storage, resource, state)
        if component._config["embeddings"]:
            embed(["warm-up"])  # load the encoder now, not on a user's first message
        return component

    # ---- prediction --------------------------------------------------------------------------------------------
    def probabilities(self, messages: list[Message], vectors: np.ndarray | None) -> np.ndarray:
        state = self._trained
        scores = self._features(messages, vectors) @ state["coef"].T + state["intercept"]
        return _softmax(np.asarray(scores) * float(state["temperature"]))

    def known_words(self, messages: list[Message]) -> np.ndarray:
        """How many of each message's words (lemmas, places masked) occur in the training data. A message with
        none ("xqzv plorbt", a typo'd single word) has only character n-grams and an embedding to go on, which
        happily pick some answer with confidence: its confidence is capped so the fallback asks instead."""
        vectorizer = self._vectorizers.get("words") or _vectorizer("words", self._trained["vocabulary"]["words"])
        self._vectorizers["words"] = vectorizer
        words = [[w for w in masked_tokens(m) if any(c.isalnum() for c in w)] for m in messages]
        return np.asarray(vectorizer.transform(words).sum(axis=1)).ravel()

    @staticmethod
    def _selector(full_intent: str, confidence: float, ranking: list[tuple[str, float]]) -> dict[str, Any]:
        base = full_intent.split(RETRIEVAL_DELIMITER)[0]
        return {
            "response": {
                "responses": [],
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: full_intent,
                "utter_action": f"utter_{full_intent}",
            },
            "ranking": [
                {PREDICTED_CONFIDENCE_KEY: c, INTENT_RESPONSE_KEY: name}
                for name, c in ranking
                if name.split(RETRIEVAL_DELIMITER)[0] == base
            ],
        }

    def process(self, messages: list[Message]) -> list[Message]:
        if not messages or self._state is None:
            return messages
        classes = self._state["classes"]
        vectors = self._embeddings(messages)
        known = self.known_words(messages)
        cap = self._config.get("unknown_words_confidence")
        for index, (message, probabilities) in enumerate(
            zip(messages, self.probabilities(messages, vectors), strict=True)
        ):
            if vectors is not None:
                message.set(EMBEDDING_KEY, vectors[index])
            if cap is not None and known[index] == 0 and probabilities.max() > float(cap):
                probabilities = probabilities * (float(cap) / probabilities.max())  # same order, lower confidence
            order = np.argsort(-probabilities)[: int(self._config["ranking_length"])]
            ranking = [(classes[i], float(probabilities[i])) for i in order]
            full_intent, confidence = ranking[0]
            base = full_intent.split(RETRIEVAL_DELIMITER)[0]
            message.set(INTENT, {INTENT_NAME_KEY: base, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
            # The ranking names full intents: the fallback sees two close answers of one topic as ambiguous too,
            # and "Did you mean…?" can offer both.
            message.set(
                INTENT_RANKING_KEY,
                [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: c} for n, c in ranking],
                add_to_output=True,
            )
            selectors = {"all_retrieval_intents": self._state["retrieval_intents"]}
            if RETRIEVAL_DELIMITER in full_intent:
                selectors[base] = self._selector(full_intent, confidence, ranking)
            message.set("response_selector", selectors, add_to_output=True)
        return messages
