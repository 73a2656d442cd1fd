"""Response variants chosen deterministically: the most specific match wins.

Our answers have variants by conditions on slots — language, and on top of it the emergency's kind, the crisis
audience, the last topic. Rasa 3.6's TemplatedNaturalLanguageGenerator puts *every* matching conditional variant in
one pool and picks one at random, so a French young person in crisis got either the French variant with Kids
Help Phone (language=fr, crisis_audience=youth) or the plain French one (language=fr) — a coin toss on a safety
answer. Here, among the matching variants, those with the most conditions win; ties keep Rasa's behaviour (random
among them: ours have none, `tests/nlu_components/test_nlg.py` checks the response files for ties). Channel-specific
variants keep Rasa's precedence.

Configured in endpoints.yml (and deploy/endpoints.production.yml):
`nlg: {type: gsdoa_nlu.nlg.MostSpecificResponseGenerator}`.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.constants import CHANNEL, RESPONSE_CONDITION


def most_specific(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The variants with the most conditions (all of them when none has a condition)."""
    if not variants:
        return variants
    most = max(len(v.get(RESPONSE_CONDITION) or []) for v in variants)
    return [v for v in variants if len(v.get(RESPONSE_CONDITION) or []) == most]


class MostSpecificResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's response generator, with the most specific matching variant winning (see module docstring)."""

    def __init__(
        self, endpoint_config: Any = None, domain: Any = None, responses: dict[str, list[dict[str, Any]]] | None = None
    ) -> None:
        super().__init__(responses if responses is not None else (domain.responses if domain else {}))

    def _random_response_for(
        self, utter_action: str, output_channel: str, filled_slots: dict[str, Any]
    ) -> dict[str, Any] | None:
        import numpy as np

        if utter_action not in self.responses:
            return None
        suitable = ResponseVariationFilter(self.responses).responses_for_utter_action(
            utter_action, output_channel, filled_slots
        )
        if not suitable:
            return None
        conditional = [v for v in suitable if v.get(RESPONSE_CONDITION)]
        pool = most_specific(conditional) if conditional and len(conditional) == len(suitable) else suitable
        return pool[0] if len(pool) == 1 else pool[np.random.randint(len(pool))]  # as np.random.choice(pool)


def ties(responses: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Response names where two variants have the same conditions (and channel): those would still be random."""
    found = []
    for name, variants in responses.items():
        seen = set()
        for variant in variants:
            key = (
                variant.get(CHANNEL),
                tuple(
                    sorted(
                        (c.get("type"), c.get("name"), str(c.get("value")))
                        for c in variant.get(RESPONSE_CONDITION) or []
                    )
                ),
            )
            if key in seen:
                found.append(name)
                break
            seen.add(key)
    return found
