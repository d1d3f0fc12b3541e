"""The participant's privacy rights in the chat: see what is stored, and have it all erased.

Erasing has two parts. The intake data goes at once (`delete_personal_data`), which in the same
transaction records a pending erasure of the conversation (`intake.erasure`). The conversation
lives in Rasa's tracker store; before confirming, this action deletes what is stored of it.
Rasa writes this last turn *after* the action returns, so the action also sends a json_message
`{"tnw_delete_conversation": true}` for the front end (which deletes the conversation once
Rasa's reply has arrived), and the retention job repeats the deletion until the turn is surely
saved, also when the confirmation could not be sent or Rasa timed out.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import current_settings, texts
from actions.booking_slots import CONFIRM_DELETE, STEP_SLOT
from actions.booking_storage import StorageProblem, sender_of, with_session
from intake import IntakeError, delete_personal_data, export_personal_data, summary_nl, upcoming_intakes
from intake.conversations import delete_conversation
from intake.retention import RetentionPolicy

log = logging.getLogger(__name__)

DELETE_CONVERSATION_KEY = "tnw_delete_conversation"


class ActionPrivacyShow(Action):
    """privacy_show_data: a short summary of everything stored about this person."""

    def name(self) -> str:
        return "action_privacy_show"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            sender = sender_of(tracker)
            days = RetentionPolicy.from_settings(current_settings()).conversations_days
            summary = with_session(lambda s: summary_nl(export_personal_data(s, sender), conversation_days=days))
        except (StorageProblem, IntakeError, ValueError):
            dispatcher.utter_message(text=texts.SHOW_FAILED)
            return []
        dispatcher.utter_message(text=f"{summary}\n{texts.DELETE_HINT}", buttons=[texts.DELETE_BUTTON])
        return []


class ActionPrivacyAskDelete(Action):
    """privacy_delete_data: ask to confirm (tnw_step=confirm_delete), naming what will happen."""

    def name(self) -> str:
        return "action_privacy_ask_delete"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            sender = sender_of(tracker)
            upcoming = with_session(lambda s: upcoming_intakes(s, sender))
        except (StorageProblem, IntakeError):
            upcoming = []
        text = texts.ASK_DELETE_WITH_APPOINTMENT.format(when=upcoming[0].when) if upcoming else texts.ASK_DELETE
        dispatcher.utter_message(text=text, buttons=texts.YES_NO_BUTTONS)
        return [SlotSet(STEP_SLOT, CONFIRM_DELETE)]


class ActionPrivacyDelete(Action):
    """Confirmed: erase the intake data, then ask the front end to erase the conversation."""

    def name(self) -> str:
        return "action_privacy_delete"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            sender = sender_of(tracker)
            result = with_session(lambda s: delete_personal_data(s, sender))
        except (StorageProblem, IntakeError):
            dispatcher.utter_message(text=texts.DELETE_FAILED)
            return [SlotSet(STEP_SLOT, None)]
        log.info("Personal data erased on request (%d intakes)", result["intakes_anonymised"])
        erase_stored_conversation(sender)
        first = texts.DELETED_WITH_CANCEL if result["intakes_cancelled"] else texts.DELETED
        dispatcher.utter_message(text=f"{first}\n{texts.CONVERSATION_GOES}")
        dispatcher.utter_message(json_message={DELETE_CONVERSATION_KEY: True})
        # Slots hold what was typed in the form: forget them too (the events go with the conversation).
        return [AllSlotsReset()]


def erase_stored_conversation(sender: str) -> None:
    """Delete what the tracker store holds of this conversation, before confirming.

    A failure is only logged (its type): the pending erasure recorded with the data deletion
    is retried by the retention job until it is done.
    """
    try:
        delete_conversation(current_settings().tracker_store_url, sender)
    except Exception as exc:  # noqa: BLE001 - the pending erasure takes over
        log.warning("Conversation not erased yet (%s); the retention job retries", type(exc).__name__)
