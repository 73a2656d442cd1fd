"""A small, fast English/French guess for one chat message, with a guard for very short messages.

It scores words against two vocabularies (data/patterns/language.yml): function words and chat words that are
typical of one language only. A message is French or English only when the evidence is clear; otherwise the
guess is None and the conversation keeps its language (so "ok", "911", "merci ok" change nothing).
"""
from __future__ import annotations

import re
from typing import Dict, Optional

from gsdoa_nlu.text import normalize_for_matching

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[a-z]'")
_FRENCH_LETTERS = re.compile(r"[éèêëàâçîïôûùœ]")


class LanguageGuess:
    def __init__(self, vocabulary: Dict[str, object]) -> None:
        self._fr_strong = {normalize_for_matching(w) for w in vocabulary.get("fr_alone", [])}
        self._en_strong = {normalize_for_matching(w) for w in vocabulary.get("en_alone", [])}
        self._fr = {normalize_for_matching(w) for w in vocabulary.get("fr", [])} | self._fr_strong
        self._en = {normalize_for_matching(w) for w in vocabulary.get("en", [])} | self._en_strong
        self._min_words = int(vocabulary.get("min_evidence", 2))

    def scores(self, text: str) -> tuple[float, float]:
        words = _WORD.findall(normalize_for_matching(text))
        fr = sum(1 for w in words if w in self._fr) + 0.5 * len(_FRENCH_LETTERS.findall(text.lower()))
        en = sum(1 for w in words if w in self._en)
        return fr, en

    def guess(self, text: str) -> Optional[str]:
        """'fr', 'en' or None when unsure."""
        words = _WORD.findall(normalize_for_matching(text))
        if not words:
            return None
        fr, en = self.scores(text)
        if len(words) <= 3:
            # short messages: only unmistakable greetings/thanks decide ("bonjour", "allô", "hello there")
            if any(w in self._fr_strong for w in words) and en == 0:
                return "fr"
            if any(w in self._en_strong for w in words) and fr == 0:
                return "en"
        if fr >= self._min_words and fr >= 2 * en:
            return "fr"
        if en >= self._min_words and en >= 2 * fr:
            return "en"
        return None
