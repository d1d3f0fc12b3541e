"""Instructions from the assistant to the front end (Rasa json_message), never shown as text.

`tnw_delete_conversation`: the user asked to delete their data. The action cannot remove its
own conversation (Rasa saves the tracker after the action), so the front end removes it once
Rasa's reply has arrived, i.e. after the tracker is saved.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

DELETE_CONVERSATION = "tnw_delete_conversation"


def carry_out(instruction: dict, sender_id: str, tracker_store_url: str) -> None:
    if instruction.get(DELETE_CONVERSATION):
        from intake.conversations import delete_conversation

        removed = delete_conversation(tracker_store_url, sender_id)
        log.info("Deleted %d conversation events for %s on request", removed, sender_id)
