"""The slots, entity and values the booking rules read (nlu/domain/booking.yml, nlu/data/rules/).

Names only. They are part of the trained model: renaming one means changing the domain, the
rules and the stories, and training again.
"""
from __future__ import annotations

# The intake form (`intake_form`) and its slots, in the order the form asks them.
NAME, CONTACT, MUTUALITEIT, POSTCODE, TOPIC = (
    "intake_name", "intake_contact", "intake_mutualiteit", "intake_postcode", "intake_topic",
)
FORM_SLOTS = (NAME, CONTACT, MUTUALITEIT, POSTCODE, TOPIC)
FORM_NAME = "intake_form"
REQUESTED_SLOT = "requested_slot"  # Rasa's: the form slot being asked

# tnw_step (categorical, featurized): which question is waiting for a yes/no, or that the form starts.
STEP_SLOT = "tnw_step"
ASK_CONSENT, START_FORM, CONFIRM_CANCEL, CONFIRM_DELETE = (
    "ask_consent", "start_form", "confirm_cancel", "confirm_delete")

RESCHEDULE_SLOT = "reschedule_intake_id"  # the intake being moved, while new moments are offered

SLOT_ID_ENTITY = "slot_id"  # a moment button: /inform{"slot_id": "42"}
NONE_FITS = "geen"  # slot_id of the "none of these fit" button
UNKNOWN_MUTUALITEIT = "onbekend"  # the form's answer "I don't know my ziekenfonds"
