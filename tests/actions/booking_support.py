"""Helpers of the booking action tests: rasa_sdk trackers, running an action, reading its replies.

Fixtures (a migrated database, a coordinator, free moments, consent, the domain) are in conftest.py.
"""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_slots import CONTACT, MUTUALITEIT, NAME, POSTCODE, TOPIC
from actions.moments import ActionChooseSlot

SENDER = "test-aaaaaaaaaaaaaaaaaaaaaaaa"
OTHER = "test-bbbbbbbbbbbbbbbbbbbbbbbb"
FORM_VALUES = {
    NAME: "Jan Peeters", CONTACT: "+32470123456", MUTUALITEIT: "CM",
    POSTCODE: "9000", TOPIC: "Halftijds terug na mijn burn-out",
}


def tracker(text="", intent="inform", *, entities=(), slots=None, sender=SENDER,
            active_loop=None, latest_action="action_listen", events=()) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    loop = {"name": active_loop} if active_loop else {}
    return Tracker(sender, dict(slots or {}), message, list(events), False, None, loop, latest_action)


def run(action, t, domain=None):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, domain or {})
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    slots = {e["name"]: e["value"] for e in result if e.get("event") == "slot"}
    return dispatcher.messages, slots, result


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def slot_ids(messages) -> list[str]:
    return [p.split('"')[3] for p in payloads(messages) if '"slot_id"' in p]


def book(slot_id, sender=SENDER, slots_values=FORM_VALUES):
    return run(ActionChooseSlot(), tracker(f'/inform{{"slot_id": "{slot_id}"}}', "inform",
                                           entities=[{"entity": "slot_id", "value": str(slot_id)}],
                                           slots=slots_values, sender=sender))
