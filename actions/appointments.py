"""An appointment already made: show it ("mijn afspraak"), cancel it, or move it.

Flow (see nlu/data/rules/booking.yml): my_appointment -> action_my_appointment;
cancel_appointment -> action_ask_cancel (tnw_step=confirm_cancel) -> affirm ->
action_cancel_appointment, deny -> action_confirmation_declined; reschedule_appointment ->
action_offer_reschedule (moment buttons, `reschedule_intake_id` set) -> action_choose_slot
(actions/moments.py) moves the intake.

Each of these starts with the same lookup (`look_up`): the person's next appointment, an
apology when the store cannot be read, or "you have none". `decide_lookup` is its pure decision.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.booking_replies import appointment_text, change_buttons, slot_buttons, slot_payload
from actions.booking_slots import CONFIRM_CANCEL, CONFIRM_DELETE, NONE_FITS, RESCHEDULE_SLOT, STEP_SLOT
from actions.booking_storage import StorageProblem, contact_text, sender_of, with_session
from actions.moments import offer_moments
from intake import IntakeError, IntakeView, cancel_intake, upcoming_intakes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lookup:
    """The person's next appointment, as far as the store could tell."""
    kind: str  # found | none | unavailable (the store could not be read)
    view: IntakeView | None = None


def decide_lookup(upcoming: list[IntakeView] | None) -> Lookup:
    """`upcoming` as the store returned it (soonest first), None when it could not be read."""
    if upcoming is None:
        return Lookup("unavailable")
    if not upcoming:
        return Lookup("none")
    return Lookup("found", upcoming[0])


def look_up(dispatcher: CollectingDispatcher, tracker: Tracker, *, none_text: str = texts.NO_APPOINTMENT,
            none_buttons: tuple[dict[str, str], ...] = (texts.BOOK_BUTTON,)) -> Lookup:
    """Fetch the person's next appointment; apologise when the store cannot be read, or say that
    there is none (`none_text`, with `none_buttons`). The caller goes on only with a `view`."""
    try:
        sender = sender_of(tracker)
        upcoming: list[IntakeView] | None = with_session(lambda s: upcoming_intakes(s, sender))
    except (StorageProblem, IntakeError):
        upcoming = None
    lookup = decide_lookup(upcoming)
    if lookup.kind == "unavailable":
        dispatcher.utter_message(text=f"{texts.LOOKUP_FAILED}\n{texts.GENERIC_CONTACT}")
    elif lookup.kind == "none":
        dispatcher.utter_message(text=none_text, buttons=list(none_buttons))
    return lookup


def declined_reply(step: str | None) -> str:
    """"Nee" to "alles wissen?" or to "annuleren?": nothing changes."""
    return texts.DELETE_KEPT if step == CONFIRM_DELETE else texts.CANCEL_KEPT


class ActionMyAppointment(Action):
    def name(self) -> str:
        return "action_my_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        view = look_up(dispatcher, tracker).view
        if view is not None:
            dispatcher.utter_message(text=appointment_text(view), buttons=change_buttons())
        return []


class ActionAskCancel(Action):
    """cancel_appointment: ask to confirm (tnw_step=confirm_cancel) when there is something to cancel."""

    def name(self) -> str:
        return "action_ask_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        view = look_up(dispatcher, tracker).view
        if view is None:
            return [SlotSet(STEP_SLOT, None)]
        dispatcher.utter_message(text=texts.ASK_CANCEL.format(when=view.when, coordinator=view.coordinator_name),
                                 buttons=texts.YES_NO_BUTTONS)
        return [SlotSet(STEP_SLOT, CONFIRM_CANCEL)]


class ActionCancelAppointment(Action):
    """Confirmed: cancel the upcoming intake (the coordinator is notified through the outbox)."""

    def name(self) -> str:
        return "action_cancel_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        done = [SlotSet(STEP_SLOT, None), SlotSet(RESCHEDULE_SLOT, None)]
        upcoming = look_up(dispatcher, tracker, none_text=texts.NOTHING_TO_CANCEL, none_buttons=()).view
        if upcoming is None:
            return done
        sender = sender_of(tracker)
        try:
            view = with_session(lambda s: cancel_intake(s, sender, upcoming.id))
        except IntakeError as exc:
            dispatcher.utter_message(text=exc.message)
            return done
        except StorageProblem:
            dispatcher.utter_message(text=texts.CANCEL_FAILED)
            return done
        log.info("Intake %s cancelled by the participant", view.id)
        dispatcher.utter_message(text=texts.CANCELLED.format(when=view.when), buttons=[texts.BOOK_BUTTON])
        return done


class ActionOfferReschedule(Action):
    """reschedule_appointment: offer other free moments; the chosen button moves the intake."""

    def name(self) -> str:
        return "action_offer_reschedule"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lookup = look_up(dispatcher, tracker)
        view = lookup.view
        if view is None:
            return [] if lookup.kind == "unavailable" else [SlotSet(RESCHEDULE_SLOT, None)]
        try:
            options = with_session(lambda s: offer_moments(
                s, mutualiteit=view.mutualiteit or view.coordinator_mutualiteit, province=view.province,
                exclude=[view.slot_id]))
        except StorageProblem:
            options = None
        if not options:
            dispatcher.utter_message(text=f"{texts.NO_SLOTS_RESCHEDULE.format(when=view.when)}\n"
                                          f"{contact_text(view.mutualiteit)}")
            return [SlotSet(RESCHEDULE_SLOT, None)]
        buttons = slot_buttons(options, none_fits=False)
        buttons.append({"title": texts.KEEP_APPOINTMENT_BUTTON, "payload": slot_payload(NONE_FITS)})
        dispatcher.utter_message(text=texts.PICK_NEW_SLOT.format(when=view.when), buttons=buttons)
        return [SlotSet(RESCHEDULE_SLOT, str(view.id))]


class ActionConfirmationDeclined(Action):
    """"Nee" to "annuleren?" or "alles wissen?": nothing changes."""

    def name(self) -> str:
        return "action_confirmation_declined"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=declined_reply(tracker.get_slot(STEP_SLOT)))
        return [SlotSet(STEP_SLOT, None)]
