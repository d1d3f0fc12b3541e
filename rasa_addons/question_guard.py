"""Rasa NLU component: a message with a request is not read as a greeting or a goodbye.

Runs after DIET and before the FallbackClassifier (which then judges the request intent's own
confidence); the crisis detector still has the last word. The rule itself is in
`rasa_addons.question_rules`.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.question_rules import Ranked, redirected


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionGuard(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> QuestionGuard:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = [
                Ranked(str(entry.get(INTENT_NAME_KEY)), float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                for entry in message.data.get(INTENT_RANKING_KEY) or []
            ]
            new = redirected(message.get(TEXT) or "", ranking)
            if new is None:
                continue
            entries = [{INTENT_NAME_KEY: entry.name, PREDICTED_CONFIDENCE_KEY: entry.confidence} for entry in new]
            message.data[INTENT] = dict(entries[0])
            message.data[INTENT_RANKING_KEY] = entries
        return messages
