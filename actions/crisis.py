"""The crisis reply: warmth, the Zelfmoordlijn 1813, 112 and a person, before anything else.

Runs whenever the NLU says `crisis` (rasa_addons.crisis_detector), in any dialogue state. It
asks nothing and offers no buttons; an active form or a waiting yes/no question is put aside
(the answers given so far stay in the conversation, and the form starts again only when the
person asks to book). It stores nothing beyond the conversation itself: no gap log, no intake.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from safety.crisis import assess
from safety.replies import crisis_reply


def pause_everything() -> list[dict[str, Any]]:
    """Events that put an active form and any waiting question aside."""
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("tnw_step", None),
        SlotSet("pending_question", None),
        SlotSet("kb_misses", 0),
    ]


class ActionCrisisSupport(Action):
    def name(self) -> str:
        return "action_crisis_support"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        dispatcher.utter_message(text=crisis_reply(assess(text)), reply_kind="crisis")
        return pause_everything()
