"""Custom Rasa NLU components of the GSDOA bot (registered with Rasa's default recipe, used in config.yml).

- MessageSanitizer: first in the pipeline; strips markup, masks personal details, caps the length.
- PlaceMasker: the classifier sees "__place__" instead of town and province names.
- LanguageGuesser: emits a `language` entity (en/fr) when a message is clearly in one language.
- EntityCanonicalizer: turns EntityRuler matches into canonical values (B.C. -> BC; Dartmouth -> city +
  province NS).
- EmergencySafetyNet: last in the pipeline; spaCy Matcher patterns that force the `emergency` intent when a
  message describes an overdose happening now, whatever the classifier predicted.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    ENTITIES,
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

from gsdoa_nlu.language import LanguageGuess, lingua_detector
from gsdoa_nlu.patterns import CONTEXT_PREFIX, compile_emergency_patterns, iter_alias_ids, load_yaml
from gsdoa_nlu.text import clean_user_text, focus_on_question, normalize_for_matching

EMERGENCY_INTENT = "emergency"
SAFETY_NET_KEY = "emergency_net"
FULL_TEXT_KEY = "full_text"  # the whole cleaned message, kept when TEXT is narrowed to the question


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageSanitizer(GraphComponent):
    """Cleans every message (training and live) before tokenisation, so the models never see markup or personal
    details, and no message longer than `max_chars` is processed. A long story is narrowed to its question
    for the classifiers (`focus_min_words`); the emergency safety net still reads the whole message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": 1000, "focus_min_words": 50}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_chars = int(config["max_chars"])
        self._focus_min_words = int(config["focus_min_words"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageSanitizer":
        return cls(config)

    def _clean(self, message: Message) -> None:
        raw = message.get(TEXT)
        if raw is None:
            return
        text, _ = clean_user_text(raw, self._max_chars)
        focused = focus_on_question(text, self._focus_min_words)
        message.set(TEXT, focused)
        if focused != text:
            message.set(FULL_TEXT_KEY, text)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._clean(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._clean(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PlaceMasker(GraphComponent):
    """Replaces the lemma of every token inside a place the EntityRuler found ("halifax", "nova scotia") by one
    placeholder, so the featurizers see "im in __place__": the classifier learns the shape of a message about a
    place instead of memorising the few town names in the training data. Runs after SpacyTokenizer."""

    PLACEHOLDER = "__place__"
    LABELS = ("province", "city")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "PlaceMasker":
        return cls()

    def _mask(self, message: Message) -> None:
        doc = message.get(SPACY_DOCS[TEXT])
        tokens = message.get(TOKENS_NAMES[TEXT])
        if doc is None or not tokens:
            return
        spans = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in self.LABELS]
        for token in tokens:
            if any(start <= token.start and token.end <= end for start, end in spans):
                token.lemma = self.PLACEHOLDER

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._mask(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._mask(message)
        return messages


_LINGUA = None


def shared_lingua_detector():
    """One lingua detector per process (its models take ~0.5 s and some memory to load)."""
    global _LINGUA
    if _LINGUA is None:
        _LINGUA = lingua_detector()
    return _LINGUA


class _PersistedConfigComponent(GraphComponent):
    """Base for components whose data file is read at training time and stored inside the trained model, so the
    server never reads data/ at run time (it may run from any directory)."""

    DATA_FILE = "data.json"

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 data: Optional[Dict[Text, Any]] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._data = data

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "_PersistedConfigComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "_PersistedConfigComponent":
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / cls.DATA_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, data)

    def _read_source(self) -> Dict[Text, Any]:
        raise NotImplementedError

    def train(self, training_data: TrainingData) -> Resource:
        self._data = self._read_source()
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.DATA_FILE).write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
        return self._resource


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageGuesser(_PersistedConfigComponent):
    """Adds a `language` entity (value `en` or `fr`) when the message is clearly English or French
    (gsdoa_nlu/language.py: word lists + lingua). Short or mixed messages ("ok", "merci ok") add nothing, so the
    conversation keeps its current language — unless it has none yet and the channel sent a first guess
    (metadata `language_hint`: Telegram's language_code, the web page's language; see channels.py)."""

    HINT_KEY = "language_hint"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"vocabulary": "data/patterns/language.yml", "detector": "lingua"}

    def _read_source(self) -> Dict[Text, Any]:
        return load_yaml(self._config["vocabulary"])

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> "LanguageGuesser":
        component = super().load(*args, **kwargs)
        component._guesser()  # load the detector's models now, not on a user's first message
        return component

    def _guesser(self) -> LanguageGuess:
        guesser = getattr(self, "_cached_guesser", None)
        if guesser is None:
            detector = shared_lingua_detector() if self._config.get("detector") == "lingua" else None
            guesser = self._cached_guesser = LanguageGuess(self._data or {}, detector)
        return guesser

    def process(self, messages: List[Message]) -> List[Message]:
        guesser = self._guesser()
        for message in messages:
            language = guesser.guess(message.get(TEXT) or "")
            if not language:
                metadata = message.get("metadata")
                hint = metadata.get(self.HINT_KEY) if isinstance(metadata, dict) else None
                language = hint if hint in ("en", "fr") else None
            if language:
                entity = {"entity": "language", "value": language, "start": 0, "end": 0,
                          "confidence": 1.0, EXTRACTOR: self.__class__.__name__}
                message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False,
                          model_from="SpacyNLP")
class EntityCanonicalizer(GraphComponent):
    """Replaces the surface text of SpacyEntityExtractor entities by the canonical id from the EntityRuler
    pattern that matched (B.C. -> BC, fent -> fentanyl) and adds the province of every recognised city.

    Case-sensitive aliases ("ON", "Hope", "Regina") are only trusted in normally-cased text and not as the
    first word: "CAN THEY CUFF ME ON THE SPOT" or "Hope you can help" name no place."""

    def __init__(self) -> None:
        self._aliases: Optional[Dict[tuple, str]] = None
        self._case_sensitive: set = set()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EntityCanonicalizer":
        return cls()

    def _alias_map(self, model: SpacyModel) -> Dict[tuple, str]:
        if self._aliases is None:
            ruler = model.model.get_pipe("entity_ruler")
            aliases: Dict[tuple, str] = {}
            sensitive, insensitive = set(), set()
            for label, surface, ent_id, case_sensitive in iter_alias_ids(ruler.patterns):
                key = (label, " ".join(surface.lower().split()))
                (sensitive if case_sensitive else insensitive).add(key)
                aliases.setdefault(key, ent_id)
            self._case_sensitive = sensitive - insensitive
            self._aliases = aliases
        return self._aliases

    @staticmethod
    def _shouting(text: str) -> bool:
        letters = [c for c in text if c.isalpha()]
        return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.6

    def _trusted(self, key: tuple, entity: Dict[str, Any], text: str) -> bool:
        if key not in self._case_sensitive:
            return True
        return not self._shouting(text) and bool(text[: entity.get("start", 0)].strip())

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        aliases = self._alias_map(model)
        for message in messages:
            text = message.get(TEXT) or ""
            kept: List[Dict[str, Any]] = []
            added: List[Dict[str, Any]] = []
            for entity in message.get(ENTITIES, []):
                if entity.get(EXTRACTOR) != "SpacyEntityExtractor":
                    kept.append(entity)
                    continue
                label = entity[ENTITY_ATTRIBUTE_TYPE]
                key = (label, " ".join(str(entity[ENTITY_ATTRIBUTE_VALUE]).lower().split()))
                ent_id = aliases.get(key)
                if ent_id and not self._trusted(key, entity, text):
                    continue
                if ent_id and label == "city" and ent_id.startswith("city:"):
                    name, province = ent_id[len("city:"):].rsplit("|", 1)
                    entity[ENTITY_ATTRIBUTE_VALUE] = name
                    added.append({"entity": "province", "value": province, "start": entity["start"],
                                  "end": entity["end"], "confidence": 1.0, EXTRACTOR: self.__class__.__name__})
                elif ent_id:
                    entity[ENTITY_ATTRIBUTE_VALUE] = ent_id
                kept.append(entity)
            message.set(ENTITIES, kept + added, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True,
                          model_from="SpacyNLP")
class EmergencySafetyNet(_PersistedConfigComponent):
    """Flags an overdose in progress with spaCy Matcher patterns (data/patterns/emergency.yml) and then forces
    the `emergency` intent, even when the classifier predicted something else or fell back. Runs last."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"patterns": "data/patterns/emergency.yml"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._matcher = None

    def _read_source(self) -> Dict[Text, Any]:
        spec = load_yaml(self._config["patterns"])
        return {"patterns": compile_emergency_patterns(spec)}

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        """Stores the compiled patterns in the model (checked against spaCy's Matcher first)."""
        resource = super().train(training_data)
        self._matcher = None
        self._get_matcher(model)  # fails the training run if a pattern is invalid
        return resource

    def _get_matcher(self, model: SpacyModel):
        if self._matcher is None:
            from spacy.matcher import Matcher

            self._matcher = Matcher(model.model.vocab)
            for rule_id, patterns in (self._data or {}).get("patterns", {}).items():
                self._matcher.add(rule_id, patterns)
        return self._matcher

    def matches(self, text: str, model: SpacyModel) -> List[str]:
        """Ids of the emergency rules that match the text — empty if none match, or if the text is about the
        past or asked to learn (context `not_now`) with no sign near the match that it is happening now."""
        if not text:
            return []
        doc = model.model(normalize_for_matching(text))
        rules: Dict[str, List[tuple]] = {}
        context: Dict[str, List[tuple]] = {"not_now": [], "now": [], "resolved": []}
        for match_id, start, end in self._get_matcher(model)(doc):
            name = model.model.vocab.strings[match_id]
            if name.startswith(CONTEXT_PREFIX):
                context[name[len(CONTEXT_PREFIX):]].append((start, end))
            else:
                rules.setdefault(name, []).append((start, end))
        if rules and context["not_now"] and not self._happening_now(rules, context):
            return []
        return sorted(rules)

    NOW_WINDOW = 10  # tokens between a "now" word and the emergency words it vouches for

    def _happening_now(self, rules: Dict[str, List[tuple]], context: Dict[str, List[tuple]]) -> bool:
        spans = [span for found in rules.values() for span in found]
        for start, end in context["now"]:
            if any(r_start <= start and end <= r_end for r_start, r_end in context["resolved"]):
                continue  # "he's ok now"
            if any(start - self.NOW_WINDOW <= r_end and r_start <= end + self.NOW_WINDOW for r_start, r_end in spans):
                return True
        return False

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            rules = self.matches(message.get(FULL_TEXT_KEY) or message.get(TEXT) or "", model)
            if not rules:
                continue
            previous = message.get(INTENT) or {}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) != EMERGENCY_INTENT]
            top = {INTENT_NAME_KEY: EMERGENCY_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
            message.set(SAFETY_NET_KEY, {"rules": rules, "classifier_intent": previous.get(INTENT_NAME_KEY)},
                        add_to_output=True)
        return messages
