"""Starting a booking: who it is for, what is stored already, and the consent question.

Flow (see nlu/data/rules/booking.yml): book_intake -> action_start_booking. An employer, or
someone close asking for the person concerned, gets an explanation (no form); someone with an
upcoming intake sees it; otherwise consent is asked (tnw_step=ask_consent), or, when it was given
before, the form starts (tnw_step=start_form). affirm -> action_give_consent (the rules then
start the form), deny -> action_consent_refused. Nothing but the consent is stored before a
moment is chosen; "bel mij terug op 0470 …" in the request fills the contact slot once consent
is there, so the form does not ask for the number again.

As in actions/knowledge.py the decision is pure (`decide_start` on a `BookingRequest` and what
the store holds); the actions around it read the tracker and the store, and send the reply.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.booking_replies import change_buttons, has_appointment_text, show_value
from actions.booking_slots import ASK_CONSENT, CONTACT, RESCHEDULE_SLOT, START_FORM, STEP_SLOT
from actions.booking_storage import StorageProblem, contact_text, sender_of, with_session
from actions.formatting import intent_payload
from actions.message_parsing import (
    booking_request_text,
    contact_in_request,
    is_employer_request,
    is_relative_request,
    message_text,
)
from actions.roles import named_role
from intake import IntakeError, IntakeView, give_consent, has_consent, upcoming_intakes

# What a reply to a booking request reports to `tnw eval --answers` (see actions/knowledge.py):
# a talk with the terug-naar-werk-coördinator.
BOOKING_REPLY = {"reply_kind": "booking", "measure": "tnw_coordinator"}


@dataclass(frozen=True)
class BookingRequest:
    text: str  # empty for a button
    role_entity: str | None  # a valid role named in the message
    role_slot: str | None  # the role remembered earlier


@dataclass(frozen=True)
class Record:
    """What the intake store holds about the person asking."""
    upcoming: list[IntakeView]
    consented: bool


@dataclass(frozen=True)
class Decision:
    kind: str  # employer | relative | unavailable | has_appointment | start_form | ask_consent
    appointment: IntakeView | None = None  # has_appointment
    contact: str | None = None  # start_form: a valid number or address the request already gave


def booked_for(request: BookingRequest) -> str:
    """employer (for an employee), relative (for someone close) or self."""
    if is_employer_request(request.text, request.role_entity, request.role_slot):
        return "employer"
    if is_relative_request(request.text, request.role_entity):
        return "relative"
    return "self"


def decide_start(request: BookingRequest, record: Record | None) -> Decision:
    """What to answer a booking request. `record` is None when the store could not be read; it
    only matters for a request by the person concerned."""
    for_whom = booked_for(request)
    if for_whom != "self":
        return Decision(for_whom)
    if record is None:
        return Decision("unavailable")
    if record.upcoming:
        return Decision("has_appointment", appointment=record.upcoming[0])
    if record.consented:
        return Decision("start_form", contact=contact_in_request(request.text))
    return Decision("ask_consent")


def read_request(tracker: Tracker) -> BookingRequest:
    return BookingRequest(text=message_text(tracker.latest_message), role_entity=named_role(tracker),
                          role_slot=tracker.get_slot("role"))


def read_record(tracker: Tracker) -> Record | None:
    try:
        sender = sender_of(tracker)
        return with_session(lambda s: Record(upcoming_intakes(s, sender), has_consent(s, sender)))
    except (StorageProblem, IntakeError):
        return None


def employer_buttons() -> list[dict[str, str]]:
    return [{"title": title, "payload": intent_payload("ask_measure", measure=measure)}
            for measure, title in texts.EMPLOYER_BUTTONS.items()]


def relative_buttons() -> list[dict[str, str]]:
    return [
        {"title": texts.RELATIVE_WHAT_COORDINATOR, "payload": intent_payload("ask_measure", measure="tnw_coordinator")},
        {"title": texts.RELATIVE_FOR_MYSELF, "payload": intent_payload("book_intake", role="participant")},
    ]


def prefill_contact(dispatcher: CollectingDispatcher, contact: str | None) -> list[dict[str, Any]]:
    """"Bel mij terug op 0470 12 34 56": read the number back and fill the slot (consent given)."""
    if contact is None:
        return []
    dispatcher.utter_message(text=texts.CONTACT_NOTED.format(contact=show_value(CONTACT, contact)))
    return [SlotSet(CONTACT, contact)]


class ActionStartBooking(Action):
    """book_intake: employer explanation, an existing appointment, or the consent question."""

    def name(self) -> str:
        return "action_start_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        request = read_request(tracker)
        record = read_record(tracker) if booked_for(request) == "self" else None
        decision = decide_start(request, record)
        if decision.kind == "employer":
            dispatcher.utter_message(text=texts.EMPLOYER_TEXT, buttons=employer_buttons(), **BOOKING_REPLY)
            return [SlotSet(STEP_SLOT, None), SlotSet("role", "employer")]
        if decision.kind == "relative":
            dispatcher.utter_message(text=texts.RELATIVE_TEXT, buttons=relative_buttons(), **BOOKING_REPLY)
            return [SlotSet(STEP_SLOT, None)]
        if decision.kind == "unavailable":
            dispatcher.utter_message(text=f"{texts.DB_PROBLEM}\n{texts.GENERIC_CONTACT}", **BOOKING_REPLY)
            return [SlotSet(STEP_SLOT, None)]
        events: list[dict[str, Any]] = [SlotSet(RESCHEDULE_SLOT, None)]
        if request.role_entity == "participant":
            events.append(SlotSet("role", "participant"))
        if decision.appointment is not None:  # has_appointment
            dispatcher.utter_message(text=has_appointment_text(decision.appointment), buttons=change_buttons(),
                                     **BOOKING_REPLY)
            return events + [SlotSet(STEP_SLOT, None)]
        if decision.kind == "start_form":
            dispatcher.utter_message(text=f"{texts.CONSENT_KNOWN} {texts.FORM_INTRO}", **BOOKING_REPLY)
            return events + [SlotSet(STEP_SLOT, START_FORM), *prefill_contact(dispatcher, decision.contact)]
        dispatcher.utter_message(text=texts.CONSENT_QUESTION, buttons=texts.CONSENT_BUTTONS, **BOOKING_REPLY)
        return events + [SlotSet(STEP_SLOT, ASK_CONSENT)]


class ActionGiveConsent(Action):
    """The person agreed: record the consent, then the rules start the form."""

    def name(self) -> str:
        return "action_give_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            sender = sender_of(tracker)
            with_session(lambda s: give_consent(s, sender))
        except (StorageProblem, IntakeError):
            dispatcher.utter_message(text=f"{texts.DB_PROBLEM}\n{texts.GENERIC_CONTACT}")
            return [SlotSet(STEP_SLOT, None)]
        dispatcher.utter_message(text=f"{texts.CONSENT_THANKS} {texts.FORM_INTRO}")
        contact = contact_in_request(booking_request_text(tracker.events))
        return [SlotSet(STEP_SLOT, START_FORM), *prefill_contact(dispatcher, contact)]


class ActionConsentRefused(Action):
    """No consent: nothing is stored, and the person still gets the way to a coordinator."""

    def name(self) -> str:
        return "action_consent_refused"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"{texts.CONSENT_REFUSED}\n{contact_text(None)}")
        return [SlotSet(STEP_SLOT, None)]
