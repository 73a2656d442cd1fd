"""Custom Rasa NLU components of the GSDOA bot (registered with Rasa's default recipe, used in config.yml).

Each message is parsed once by spaCy (SpacyNLP, original case; gsdoa_nlu/spacy_components.py gives every token a
lower-case lemma and a normalized form). Then:
- MessageSanitizer (first): strips markup, masks personal details; the classifiers read at most `max_chars` of a
  long story (its questions), the safety nets read all of it.
- GazetteerAnnotator: the EntityRuler's matches become entities with their canonical ids (B.C. -> BC; Dartmouth ->
  city + province NS), ids from the match (the classifier masks the same places: gsdoa_nlu/places.py).
- LanguageDecider: the one language decision (explicit request > the message's own words > the client's first
  guess), emitted as a `language` entity.
- SafetyNets (last): decides the final intent, safety first — an overdose happening now (patterns, short alarms,
  similarity to emergency exemplars) or a person in crisis — and annotates it: which emergency steps
  (emergency_kind), which crisis line (crisis_audience), which topic the answer is about (topic, topic_family).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import gsdoa_nlu.nlu_data  # noqa: F401 - answer texts are no NLU training input (see the module)
from gsdoa_nlu.classifier import EMBEDDING_KEY
from gsdoa_nlu.embeddings import EmbeddingCache
from gsdoa_nlu.fingerprints import digest, sources, spacy_pipeline_version
from gsdoa_nlu.language import LanguageGuess, lingua_detector
from gsdoa_nlu.patterns import (
    CONTEXT_PREFIX,
    compile_emergency_patterns,
    compile_matcher_pattern,
    load_yaml,
    split_entity_id,
)
from gsdoa_nlu.places import LABELS, trusted_matches
from gsdoa_nlu.text import clean_user_text, focus_on_question, normalize_for_matching

# A component's configuration as Rasa passes it to create() and load().
Config = dict[str, Any]

EMERGENCY_INTENT = "emergency"
CRISIS_INTENT = "suicidal"
SAFETY_NET_KEY = "safety_net"
FULL_TEXT_KEY = "full_text"  # the whole cleaned message; TEXT may be narrowed to its questions
FULL_DOC_KEY = "full_text_spacy_doc"


def _entity(name: str, value: Any, extractor: str, start: int = 0, end: int = 0) -> dict[str, Any]:
    return {
        ENTITY_ATTRIBUTE_TYPE: name,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: start,
        ENTITY_ATTRIBUTE_END: end,
        "confidence": 1.0,
        EXTRACTOR: extractor,
    }


def _add_entities(message: Message, entities: list[dict[str, Any]], replace: tuple[str, ...] = ()) -> None:
    kept = [e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) not in replace]
    message.set(ENTITIES, kept + entities, add_to_output=True)


# ---------------------------------------------------------------------------------------------------------------
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageSanitizer(GraphComponent):
    """Cleans every message (training and live) before tokenisation, so the models never see markup or personal
    details. The classifier reads a long story's question sentences, at most `max_chars`; the whole cleaned message
    is kept under `full_text` for the safety nets — an emergency at the end of a long story still counts."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_chars": 1000, "focus_min_words": 50}

    def __init__(self, config: dict[str, Any]) -> None:
        self._max_chars = int(config["max_chars"])
        self._focus_min_words = int(config["focus_min_words"])

    @classmethod
    def create(
        cls, config: Config, model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> MessageSanitizer:
        return cls(config)

    @classmethod
    def fingerprint_sources(cls, config: dict[str, Any]) -> list[str]:
        """What its output on the training data depends on besides its class and config (gsdoa_nlu/fingerprints.py):
        the cleaning functions. Not the rest of this module: editing a net must not re-parse the training data."""
        return sources(["text"])

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return digest(cls.fingerprint_sources(config), [FULL_TEXT_KEY])

    def _clean(self, message: Message) -> None:
        raw = message.get(TEXT)
        if raw is None:
            return
        text, _ = clean_user_text(raw, max_chars=None)
        message.set(FULL_TEXT_KEY, text)
        focused = focus_on_question(text, self._focus_min_words)[: self._max_chars]
        message.set(TEXT, focused)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._clean(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._clean(message)
        return messages


# ---------------------------------------------------------------------------------------------------------------
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False, model_from="SpacyNLP")
class GazetteerAnnotator(GraphComponent):
    """The EntityRuler's matches (places, substances, legal situations) as Rasa entities, from the message's one
    spaCy parse: the canonical id comes with the match (B.C. -> BC, fent -> fentanyl) and a city adds its province.
    Which matches are trusted is decided in gsdoa_nlu/places.py (shared with the classifier's place mask)."""

    @classmethod
    def create(
        cls, config: Config, model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> GazetteerAnnotator:
        return cls()

    @classmethod
    def fingerprint_sources(cls, config: dict[str, Any]) -> list[str]:
        return sources(["components", "places", "patterns", "text"])

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return digest(cls.fingerprint_sources(config), [spacy_pipeline_version()])

    def entities(self, doc, text: str) -> list[dict[str, Any]]:
        found = []
        name = self.__class__.__name__
        for ent, ent_id in trusted_matches(doc, text):
            if ent.label_ == "city" and ent_id.startswith("city:"):
                city, province = ent_id[len("city:") :].rsplit("|", 1)
                found.append(_entity("city", city, name, ent.start_char, ent.end_char))
                found.append(_entity("province", province, name, ent.start_char, ent.end_char))
            else:
                found.append(_entity(ent.label_, ent_id, name, ent.start_char, ent.end_char))
        return found

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is not None:
                _add_entities(message, self.entities(doc, message.get(TEXT) or ""), replace=LABELS)
        return messages


# ---------------------------------------------------------------------------------------------------------------
class _PersistedConfigComponent(GraphComponent):
    """Base for components whose data files are read at training time and stored inside the trained model, so the
    server never reads data/ at run time (it may run from any directory)."""

    DATA_FILE = "data.json"

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        data: dict[str, Any] | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._data = data

    @classmethod
    def create(
        cls, config: Config, model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> _PersistedConfigComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Config,
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _PersistedConfigComponent:
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / cls.DATA_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, data)

    def _read_source(self, training_data: TrainingData) -> dict[str, Any]:
        raise NotImplementedError

    # The data files named in the config (`DATA_FILE_KEYS`) and the project modules `_read_source` runs are read at
    # training time: Rasa's cache must retrain the component when they change, and only then.
    DATA_FILE_KEYS: tuple[str, ...] = ()
    MODULES: tuple[str, ...] = ("components",)

    @classmethod
    def fingerprint_sources(cls, config: dict[str, Any]) -> list[str]:
        config = {**cls.get_default_config(), **config}
        return sources(cls.MODULES, [config.get(key) for key in cls.DATA_FILE_KEYS])

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return digest(cls.fingerprint_sources(config))

    def train(self, training_data: TrainingData) -> Resource:
        self._data = self._read_source(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.DATA_FILE).write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
        return self._resource


_LINGUA = None


def shared_lingua_detector():
    """One lingua detector per process (its models take ~0.5 s and some memory to load)."""
    global _LINGUA
    if _LINGUA is None:
        _LINGUA = lingua_detector()
    return _LINGUA


# ---------------------------------------------------------------------------------------------------------------
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageDecider(_PersistedConfigComponent):
    """The one place where the conversation's language is decided, with one evidence rule:

    1. an explicit request in a short message ("in French please", « en anglais svp ») — the reply switches;
    2. else the message's own words, when they are clearly English or French (gsdoa_nlu/language.py: word lists +
       lingua; short or mixed messages decide nothing);
    3. else the client's first guess (metadata `language`: the web page's language, Telegram's language_code),
       which clients send only when a conversation starts.
    Nothing decided -> no `language` entity, and the conversation keeps its language (the `language` slot).
    A message that is only a request for the other language becomes the `set_language` intent."""

    REQUEST_MAX_WORDS = 8
    DATA_FILE_KEYS = ("vocabulary",)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"vocabulary": "data/patterns/language.yml", "detector": "lingua"}

    def _read_source(self, training_data: TrainingData) -> dict[str, Any]:
        return load_yaml(self._config["vocabulary"])

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> LanguageDecider:
        component = super().load(*args, **kwargs)
        component._guesser()  # load the detector's models now, not on a user's first message
        return component

    def _guesser(self) -> LanguageGuess:
        guesser = getattr(self, "_cached_guesser", None)
        if guesser is None:
            detector = shared_lingua_detector() if self._config.get("detector") == "lingua" else None
            guesser = self._cached_guesser = LanguageGuess(self._data or {}, detector)
        return guesser

    def requested(self, text: str) -> str | None:
        """'fr' for "in french please", 'en' for « en anglais svp »; None if the message asks for no language."""
        normalized = " " + " ".join(re.findall(r"[a-z]+", normalize_for_matching(text))) + " "
        if len(normalized.split()) > self.REQUEST_MAX_WORDS:
            return None
        for language, phrases in ((self._data or {}).get("requests") or {}).items():
            if any(f" {phrase} " in normalized for phrase in phrases):
                return language
        return None

    def decide(self, text: str, hint: Any = None) -> tuple[str | None, bool]:
        """(language or None, whether the message explicitly asked for it)."""
        requested = self.requested(text)
        if requested:
            return requested, True
        guessed = self._guesser().guess(text)
        if guessed:
            return guessed, False
        hint = hint.strip().lower()[:2] if isinstance(hint, str) else None
        return (hint if hint in ("en", "fr") else None), False

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            metadata = message.get("metadata")
            language, explicit = self.decide(
                message.get(FULL_TEXT_KEY) or message.get(TEXT) or "",
                metadata.get("language") if isinstance(metadata, dict) else None,
            )
            if not language:
                continue
            _add_entities(message, [_entity("language", language, self.__class__.__name__)], replace=("language",))
            if explicit and (message.get(INTENT) or {}).get(INTENT_NAME_KEY) not in (EMERGENCY_INTENT, CRISIS_INTENT):
                top = {INTENT_NAME_KEY: "set_language", PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, top, add_to_output=True)
        return messages


# ---------------------------------------------------------------------------------------------------------------
def _cosine_max(vector: np.ndarray | None, exemplars: np.ndarray | None) -> float:
    if vector is None or exemplars is None or not len(exemplars):
        return 0.0
    norm = float(np.linalg.norm(vector))
    return float(np.max(exemplars @ (vector / norm))) if norm else 0.0


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True, model_from="SpacyNLP")
class SafetyNets(_PersistedConfigComponent):
    """Last in the pipeline: safety first, whatever the classifier predicted.

    - Emergency net (data/patterns/emergency.yml): spaCy Matcher patterns over each token's normalized form, short
      alarms ("overdose", "OD!!", "911", « urgence »), and — when the pipeline has sentence embeddings — a message
      very close to the emergency training examples. Context patterns drop a match that is about the past or asked
      to learn ("last year", "what are the signs") unless something says it's happening now.
    - Crisis net (data/patterns/distress.yml): someone in distress or thinking of suicide -> `suicidal` (9-8-8).
    - Annotations of the final intent: `emergency_kind` (stimulant / seizure / sedative / general: which extra steps
      the emergency answer adds), `crisis_audience` (youth / indigenous / general: which line besides 9-8-8), and
      `topic` + `topic_family` (what the answer was about, remembered for follow-up questions).
    The nets read the whole message (`full_text`), not the part the classifier read."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "patterns": "data/patterns/emergency.yml",
            "distress": "data/patterns/distress.yml",
            "catalogue": "data/intents.yml",
            "semantic_threshold": None,
            "embedding_cache": "build/embedding-cache",
        }

    DATA_FILE_KEYS = ("patterns", "distress", "catalogue")
    MODULES = ("components", "patterns", "text", "embeddings")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # + the spaCy pipeline: training checks every pattern against its vocabulary and tokenizer.
        return digest(cls.fingerprint_sources(config), [spacy_pipeline_version()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._matchers: dict[str, Any] = {}
        self._exemplars: np.ndarray | None = None

    @classmethod
    def from_files(cls, **paths: str) -> SafetyNets:
        """The nets straight from the pattern files, without a trained model (tests and tools; no embeddings)."""
        net = cls({**cls.get_default_config(), **paths}, None, None)
        net._data = net._read_source(TrainingData())
        return net

    # ---- training: patterns, topic families and (if embeddings) emergency exemplars, stored in the model ----
    def _read_source(self, training_data: TrainingData) -> dict[str, Any]:
        emergency = load_yaml(self._config["patterns"])
        distress = load_yaml(self._config["distress"])
        catalogue = load_yaml(self._config["catalogue"]).get("intents") or {}
        families = {name: entry["family"] for name, entry in catalogue.items() if entry.get("family")}
        data = {
            "emergency": compile_emergency_patterns(emergency),
            "kinds": self._compile_groups(emergency, "kinds"),
            "substance_kinds": emergency.get("substance_kinds") or {},
            "short_alarms": {
                k: [normalize_for_matching(w) for w in v] for k, v in (emergency.get("short_alarms") or {}).items()
            },
            "distress": compile_emergency_patterns(distress),
            "audiences": self._compile_groups(distress, "audiences"),
            "families": families,
        }
        texts = [m.get(TEXT) for m in training_data.intent_examples if m.get(INTENT) == EMERGENCY_INTENT]
        if self._config.get("semantic_threshold") is not None and texts:
            cache = self._config.get("embedding_cache")
            data["exemplars"] = EmbeddingCache(Path(cache) if cache else None).embed(texts).round(5).tolist()
        return data

    @staticmethod
    def _compile_groups(spec: dict[str, Any], section: str) -> dict[str, list[list[dict[str, Any]]]]:
        sets = {name: list(words) for name, words in (spec.get("sets") or {}).items()}
        return {
            group: [compile_matcher_pattern(t, sets) for t in texts]
            for group, texts in (spec.get(section) or {}).items()
        }

    # Rasa 3.6 passes train() the spaCy model by keyword, a need declared in this signature.
    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:  # type: ignore[override]
        resource = super().train(training_data)
        self._matchers = {}
        for name in ("emergency", "kinds", "distress", "audiences"):
            self._matcher(name, model)  # fails the training run if a pattern is invalid
        return resource

    # ---- matching ----------------------------------------------------------------------------------------------
    def _matcher(self, name: str, model: SpacyModel):
        if name not in self._matchers:
            from spacy.matcher import Matcher

            matcher = Matcher(model.model.vocab)
            for rule_id, patterns in ((self._data or {}).get(name) or {}).items():
                matcher.add(rule_id, patterns)
            self._matchers[name] = matcher
        return self._matchers[name]

    @staticmethod
    def _dense(message: Message) -> np.ndarray | None:
        """The message's sentence embedding, computed once by the classifier (gsdoa_nlu/classifier.py)."""
        vector = message.get(EMBEDDING_KEY)
        return None if vector is None else np.asarray(vector, dtype=np.float32).reshape(-1)

    def _exemplar_matrix(self) -> np.ndarray | None:
        exemplars = (self._data or {}).get("exemplars")
        if self._exemplars is None and exemplars:
            self._exemplars = np.asarray(exemplars, dtype=np.float32)
        return self._exemplars

    NOW_WINDOW = 10  # tokens between a "now" word and the words it vouches for

    def _rules(self, doc, name: str, model: SpacyModel) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
        rules: dict[str, list[tuple]] = {}
        context: dict[str, list[tuple]] = {"not_now": [], "now": [], "resolved": []}
        for match_id, start, end in self._matcher(name, model)(doc):
            rule = model.model.vocab.strings[match_id]
            if rule.startswith(CONTEXT_PREFIX):
                context[rule[len(CONTEXT_PREFIX) :]].append((start, end))
            else:
                rules.setdefault(rule, []).append((start, end))
        return rules, context

    def _happening_now(self, rules: dict[str, list[tuple]], context: dict[str, list[tuple]]) -> bool:
        spans = [span for found in rules.values() for span in found]
        for start, end in context["now"]:
            if any(r_start <= start and end <= r_end for r_start, r_end in context["resolved"]):
                continue  # "he's ok now"
            if any(start - self.NOW_WINDOW <= r_end and r_start <= end + self.NOW_WINDOW for r_start, r_end in spans):
                return True
        return False

    def _net(self, doc, name: str, model: SpacyModel) -> list[str]:
        rules, context = self._rules(doc, name, model)
        if rules and context["not_now"] and not self._happening_now(rules, context):
            return []
        return sorted(rules)

    def short_alarm(self, doc) -> bool:
        """A message that is only an alarm: "overdose", "OD!!", "911", « urgence », "help!!" (a bare "help" asks
        for the menu; with "!" or in capitals it's a cry for help)."""
        words = [t for t in doc if not t.is_punct and not t.is_space and t.norm_.strip("!?. ")]
        if not 1 <= len(words) <= 3:
            return False
        alarms = (self._data or {}).get("short_alarms") or {}
        norms = [t.norm_ for t in words]
        if any(n in alarms.get("words", []) for n in norms) and all(
            n in alarms.get("words", []) + alarms.get("fillers", []) + alarms.get("help", []) for n in norms
        ):
            return True
        shouted = "!" in doc.text or doc.text.isupper() or len(words) > 1 and len(set(norms)) == 1
        return (
            shouted
            and all(n in alarms.get("help", []) + alarms.get("fillers", []) for n in norms)
            and any(n in alarms.get("help", []) for n in norms)
        )

    def emergency_rules(self, doc, model: SpacyModel, vector: np.ndarray | None = None) -> list[str]:
        """Why a parsed message is an emergency happening now (rule ids), or [] if it isn't."""
        rules = self._net(doc, "emergency", model)
        if self.short_alarm(doc):
            rules.append("short_alarm")
        threshold = self._config.get("semantic_threshold")
        if not rules and threshold is not None and _cosine_max(vector, self._exemplar_matrix()) >= float(threshold):
            _, context = self._rules(doc, "emergency", model)
            if not context["not_now"]:
                rules.append("similar_to_emergencies")
        return rules

    def matches(self, text: str, model: SpacyModel) -> list[str]:
        """The emergency rules a text matches (for tests and tools: parses the text itself)."""
        return self._net(model.model(text), "emergency", model) + (
            ["short_alarm"] if self.short_alarm(model.model(text)) else []
        )

    def crisis_rules(self, doc, model: SpacyModel) -> list[str]:
        return self._net(doc, "distress", model)

    def kind(self, doc, model: SpacyModel) -> str:
        """stimulant / seizure / sedative / general: what the emergency answer adds for this message (its words, and
        the substances the EntityRuler found in it)."""
        found = {model.model.vocab.strings[m] for m, _, _ in self._matcher("kinds", model)(doc)}
        substance_kinds = (self._data or {}).get("substance_kinds") or {}
        for ent in doc.ents:
            substance, _ = split_entity_id(ent.ent_id_ or "")
            if ent.label_ == "substance" and substance in substance_kinds:
                found.add(substance_kinds[substance])
        for kind in ("stimulant", "seizure", "sedative"):
            if kind in found:
                return kind
        return "general"

    def audience(self, doc, model: SpacyModel) -> str:
        found = {model.model.vocab.strings[m] for m, _, _ in self._matcher("audiences", model)(doc)}
        for audience in ("indigenous", "youth"):
            if audience in found:
                return audience
        return "general"

    # ---- the decision ----------------------------------------------------------------------------------------
    def _doc(self, message: Message, model: SpacyModel):
        """The parse of the whole message: the pipeline's one parse, unless the classifier read only part of it."""
        full = message.get(FULL_TEXT_KEY)
        doc = message.get(SPACY_DOCS[TEXT])
        if full is None or (doc is not None and doc.text == full):
            return doc if doc is not None else model.model(message.get(TEXT) or "")
        return model.model(full)

    def _force(self, message: Message, intent: str, why: dict[str, Any]) -> None:
        previous = message.get(INTENT) or {}
        ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) != intent]
        top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
        message.set(SAFETY_NET_KEY, {**why, "classifier_intent": previous.get(INTENT_NAME_KEY)}, add_to_output=True)

    def _topic(self, message: Message, intent: str) -> str | None:
        selector = ((message.get("response_selector") or {}).get(intent) or {}).get("response") or {}
        return selector.get("intent_response_key") or intent

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        name = self.__class__.__name__
        families = (self._data or {}).get("families") or {}
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button payload: Rasa reads its intent itself
                continue
            doc = self._doc(message, model)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            emergency = self.emergency_rules(doc, model, self._dense(message))
            if emergency:
                self._force(message, EMERGENCY_INTENT, {"net": "emergency", "rules": emergency})
                intent = EMERGENCY_INTENT
            elif intent != EMERGENCY_INTENT:
                crisis = self.crisis_rules(doc, model)
                if crisis:
                    self._force(message, CRISIS_INTENT, {"net": "crisis", "rules": crisis})
                    intent = CRISIS_INTENT
            annotations = []
            if intent == EMERGENCY_INTENT:
                annotations.append(_entity("emergency_kind", self.kind(doc, model), name))
            elif intent == CRISIS_INTENT:
                annotations.append(_entity("crisis_audience", self.audience(doc, model), name))
            topic = self._topic(message, intent) if intent else None
            if topic in families:
                annotations += [_entity("topic", topic, name), _entity("topic_family", families[topic], name)]
            if annotations:
                _add_entities(
                    message, annotations, replace=("emergency_kind", "crisis_audience", "topic", "topic_family")
                )
        return messages
