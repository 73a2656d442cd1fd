"""Answer texts are no NLU training input (unless a pipeline has a ResponseSelector, which learns from them).

Rasa copies every retrieval answer (`utter_legal/arrest`…, data/responses) into the NLU training data, and the
data's fingerprint includes them: editing one answer's wording would change the input of every NLU component and
retrain them all (the parse, the classifier, the nets: minutes), although none of this project's components
reads an answer. Rasa's recipe has no hook for its NLU data provider, so this module wraps the provider's one
method: when the pipeline (the importer's config) has no ResponseSelector, the NLU data goes on without the answer
texts. The answers stay in the domain (the dialogue and the trained model's domain are unchanged); the NLU
components see the same examples, intents and retrieval intents as before. Imported with the components
(gsdoa_nlu/components.py), so it is active whenever a pipeline uses them.
"""

from __future__ import annotations

from typing import Any

from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import RESPONSE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LEARNS_FROM_ANSWERS = ("ResponseSelector",)


def pipeline_reads_answers(config: dict[str, Any]) -> bool:
    """Whether any NLU component of the config learns from the answer texts."""
    names = [str((step or {}).get("name", "")) for step in (config or {}).get("pipeline") or []]
    return any(name.rsplit(".", 1)[-1] in LEARNS_FROM_ANSWERS for name in names)


def without_answers(training_data: TrainingData) -> TrainingData:
    """The same NLU data without the answer texts: no `responses`, and no `response` on the examples (Rasa
    copies each retrieval example's answer text onto it as a ResponseSelector label)."""
    examples = [
        Message(
            data={key: value for key, value in example.data.items() if key != RESPONSE},
            output_properties=set(example.output_properties),
            time=example.time,
            features=list(example.features),
        )
        for example in training_data.training_examples
    ]
    return TrainingData(
        examples,
        training_data.entity_synonyms,
        training_data.regex_features,
        training_data.lookup_tables,
        responses={},
    )


_ORIGINAL_PROVIDE = getattr(NLUTrainingDataProvider.provide, "__wrapped__", NLUTrainingDataProvider.provide)


def _provide(self, importer: TrainingDataImporter) -> TrainingData:  # no hint on self: Rasa checks the hints
    training_data = _ORIGINAL_PROVIDE(self, importer)
    if pipeline_reads_answers(importer.get_config()):
        return training_data
    return without_answers(training_data)


_provide.__wrapped__ = _ORIGINAL_PROVIDE  # type: ignore[attr-defined]  # functions take attributes at run time
NLUTrainingDataProvider.provide = _provide  # Rasa is untyped (Any) for mypy: nothing to ignore
