"""Crisis check inside Rasa's NLU, after every other classifier: it has the last word.

A message is a crisis when the pattern safety net (`safety.crisis`, pure Python shared with
the action server) fires, or when the trained `crisis` intent has at least CRISIS_CONFIDENCE
anywhere in DIET's ranking: when in doubt, the person gets the crisis reply (a missed crisis is
far worse than one kind message too many). Because it runs in the NLU, it comes before every
rule, story and form: the dialogue sees intent `crisis`, also in the middle of the intake form.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from safety.crisis import assess

CRISIS_INTENT = "crisis"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisDetector(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The lowest confidence of the trained crisis intent that counts as a crisis.
        return {"crisis_confidence": 0.5}

    def __init__(self, config: dict[str, Any]) -> None:
        self.crisis_confidence = float(config.get("crisis_confidence", 0.5))

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CrisisDetector:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            confidence = self.crisis_confidence_of(message)
            if confidence is not None:
                # 1.0 when the pattern net fired, else the trained intent's own confidence.
                crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
                ranking = [
                    r for r in message.data.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) != CRISIS_INTENT
                ]
                message.data[INTENT] = crisis
                message.data[INTENT_RANKING_KEY] = [crisis, *ranking]
        return messages

    def crisis_confidence_of(self, message: Message) -> float | None:
        """How sure the check is that this message is a crisis; None when it is not one."""
        text = message.get(TEXT) or ""
        if not text or text.lstrip().startswith("/"):
            return None
        if assess(text).is_crisis:
            return 1.0
        trained = max(
            (float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
             for entry in message.data.get(INTENT_RANKING_KEY, []) if entry.get(INTENT_NAME_KEY) == CRISIS_INTENT),
            default=0.0,
        )
        return trained if trained >= self.crisis_confidence else None
