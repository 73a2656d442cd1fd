"""English or French? A guess for one chat message, guarded for very short messages.

Two opinions are combined:
- a vocabulary score (data/patterns/language.yml): function words and chat words typical of one language only,
  including Québécois/texting forms ("chu", "pis", "y'a", "jsp") that general detectors don't know;
- lingua (lingua-language-detector, English and French models only, shipped inside the wheel — nothing is
  downloaded), which reads letter patterns and so also decides messages without any listed word.

A message is French or English only when the evidence is clear; otherwise the guess is None and the
conversation keeps its language, so "ok", "911", "Québec" or a mixed message change nothing. Messages of
three words or fewer switch only on unmistakable words ("bonjour", "merci", "hello").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gsdoa_nlu.text import normalize_for_matching

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[a-z]'")
_FRENCH_LETTERS = re.compile(r"[éèêëàâçîïôûùœ]")

# lingua must be this sure to decide alone, and this sure to overrule a clear vocabulary score.
DETECTOR_ALONE = 0.8
DETECTOR_OVERRULES = 0.97
SHORT_MESSAGE_WORDS = 3

Detector = Callable[[str], tuple[str, float] | None]


def lingua_detector() -> Detector:
    """lingua restricted to English and French, models preloaded (about 0.5 s once, then < 1 ms a message)."""
    from lingua import Language, LanguageDetectorBuilder

    detector = (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH)
        .with_preloaded_language_models()
        .build()
    )
    codes = {Language.ENGLISH: "en", Language.FRENCH: "fr"}

    def detect(text: str) -> tuple[str, float] | None:
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        return codes[best.language], float(best.value)  # only English and French are loaded

    return detect


class LanguageGuess:
    def __init__(self, vocabulary: dict[str, Any], detector: Detector | None = None) -> None:
        self._fr_strong = {normalize_for_matching(w) for w in vocabulary.get("fr_alone", [])}
        self._en_strong = {normalize_for_matching(w) for w in vocabulary.get("en_alone", [])}
        self._fr = {normalize_for_matching(w) for w in vocabulary.get("fr", [])} | self._fr_strong
        self._en = {normalize_for_matching(w) for w in vocabulary.get("en", [])} | self._en_strong
        self._min_words = int(vocabulary.get("min_evidence", 2))
        self._detector = detector

    def scores(self, text: str) -> tuple[float, float]:
        words = _WORD.findall(normalize_for_matching(text))
        fr = sum(1 for w in words if w in self._fr) + 0.5 * len(_FRENCH_LETTERS.findall(text.lower()))
        en = sum(1 for w in words if w in self._en)
        return fr, en

    def vocabulary_guess(self, text: str) -> str | None:
        """'fr', 'en' or None from the word lists alone."""
        words = _WORD.findall(normalize_for_matching(text))
        if not words:
            return None
        fr, en = self.scores(text)
        if len(words) <= SHORT_MESSAGE_WORDS:
            # short messages: only unmistakable greetings/thanks decide ("bonjour", "allô", "hello there")
            if any(w in self._fr_strong for w in words) and en == 0:
                return "fr"
            if any(w in self._en_strong for w in words) and fr == 0:
                return "en"
            return None
        if fr >= self._min_words and fr >= 2 * en:
            return "fr"
        if en >= self._min_words and en >= 2 * fr:
            return "en"
        return None

    def guess(self, text: str) -> str | None:
        """'fr', 'en' or None when unsure (short, mixed or unclear messages)."""
        words = _WORD.findall(normalize_for_matching(text))
        vocabulary = self.vocabulary_guess(text)
        if len(words) <= SHORT_MESSAGE_WORDS or self._detector is None:
            return vocabulary
        detected = self._detector(text)
        if detected is None or detected[0] is None:
            return vocabulary
        language, confidence = detected
        if vocabulary is None:
            return language if confidence >= DETECTOR_ALONE else None
        if language != vocabulary and confidence >= DETECTOR_OVERRULES:
            fr, en = self.scores(text)
            # both sides are sure and disagree: a mixed message keeps the conversation's language
            return None if min(fr, en) > 0 else language
        return vocabulary
