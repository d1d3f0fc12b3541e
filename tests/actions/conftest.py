"""Action tests run against the real knowledge base, its search index and a migrated database."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from intake.db import upgrade


@pytest.fixture
def kb_env(settings):
    """Settings whose database is migrated; the index is built (once) under the shared test data dir."""
    upgrade(settings.database_url)
    return settings


def make_tracker(text: str, intent: str, entities=(), slots=None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    return Tracker("test-user", slots or {}, message, [], False, None, {}, "action_listen")


def run_action(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
