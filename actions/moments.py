"""Choosing a moment: free moments offered after the form, and the chosen one booked or moved to.

Flow (see nlu/data/rules/booking.yml): the form's last answer -> action_offer_slots (buttons
"/inform{"slot_id": "42"}", spread over several days) -> action_choose_slot books the moment,
or, while an appointment is being moved (`reschedule_intake_id`, see actions/appointments.py),
moves it there. Nothing personal is stored before a moment is chosen; booking is one
transaction (intake.book_intake). Logs never contain personal data.

`decide_choice` is the pure decision on a pressed button (`Choice`); the actions around it read
the tracker, use the store and send the reply.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import texts
from actions.booking_replies import (
    appointment_text,
    change_buttons,
    confirmation_text,
    has_appointment_text,
    slot_buttons,
    spread_over_days,
)
from actions.booking_slots import (
    CONTACT,
    MUTUALITEIT,
    NAME,
    NONE_FITS,
    POSTCODE,
    RESCHEDULE_SLOT,
    SLOT_ID_ENTITY,
    STEP_SLOT,
    TOPIC,
)
from actions.booking_storage import StorageProblem, contact_text, fund, sender_of, with_session
from actions.intake_form import clear_form, form_values
from intake import (
    AlreadyBooked,
    ConsentMissing,
    IntakeError,
    IntakeView,
    SlotOption,
    SlotTaken,
    SlotUnavailable,
    ValidationError,
    book_intake,
    free_slots,
    reschedule_intake,
    upcoming_intakes,
)
from intake.validation import as_id

log = logging.getLogger(__name__)

FETCH_FOR_SPREAD = 40  # free moments fetched to choose the offered ones from


def offer_moments(session: Session, *, mutualiteit: str | None, postcode: str | None = None,
                  province: str | None = None, exclude: list[int] | None = None) -> list[SlotOption]:
    """The free moments to offer: a coordinator of the ziekenfonds near the person, over several days."""
    options = free_slots(session, mutualiteit=mutualiteit, postcode=postcode, province=province,
                         limit=FETCH_FOR_SPREAD, exclude=exclude or [])
    return spread_over_days(options)


# ---------------------------------------------------------------- decisions


def decide_offer(values: dict[str, Any] | None, options: list[SlotOption] | None) -> str:
    """After the form: incomplete (an answer is missing), unavailable (the store could not be
    read), none_free, or offer. `options` is None when the store could not be read."""
    if values is None:
        return "incomplete"
    if options is None:
        return "unavailable"
    return "offer" if options else "none_free"


@dataclass(frozen=True)
class Choice:
    """A moment button pressed, and what the conversation holds."""
    raw: Any  # the slot_id entity: an id, NONE_FITS, or anything typed or forged
    reschedule_id: Any = None  # the intake being moved, if any
    values: dict[str, Any] | None = None  # the form's answers; None when one is missing


@dataclass(frozen=True)
class Decision:
    kind: str  # keep_appointment | none_fits | refused | reschedule | stale_button | book
    slot_id: int | None = None
    reply: str | None = None  # refused: why


def decide_choice(choice: Choice) -> Decision:
    """What a pressed moment button does: move the appointment, book, or explain why not.

    An old button (no answers any more, nothing being moved) is a stale_button: the store then
    tells whether it was already booked.
    """
    if choice.raw == NONE_FITS:
        return Decision("keep_appointment" if choice.reschedule_id else "none_fits")
    try:
        slot_id = as_id(choice.raw, "slot_id")
    except ValidationError as exc:
        return Decision("refused", reply=exc.message)
    if choice.reschedule_id:
        return Decision("reschedule", slot_id)
    if choice.values is None:
        return Decision("stale_button", slot_id)
    return Decision("book", slot_id)


def first_sentence(message: str) -> str:
    return message.split(".")[0]


# ---------------------------------------------------------------- the actions


class ActionOfferSlots(Action):
    """After the form: offer free moments as buttons, or the contact route when there are none."""

    def name(self) -> str:
        return "action_offer_slots"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        values = form_values(tracker)
        mutualiteit = fund(values[MUTUALITEIT]) if values else None
        options = None
        if values is not None:
            try:
                options = with_session(lambda s: offer_moments(s, mutualiteit=mutualiteit, postcode=values[POSTCODE]))
            except StorageProblem:
                options = None
        done = [SlotSet(STEP_SLOT, None)]
        kind = decide_offer(values, options)
        if kind == "incomplete":
            dispatcher.utter_message(text=texts.ANSWERS_MISSING, buttons=[texts.BOOK_BUTTON])
            return done
        if kind == "unavailable":
            dispatcher.utter_message(text=f"{texts.DB_PROBLEM}\n{contact_text(mutualiteit)}")
            return done + clear_form()
        if kind == "none_free":
            dispatcher.utter_message(text=f"{texts.NO_SLOTS}\n{contact_text(mutualiteit)}")
            return done + clear_form()
        dispatcher.utter_message(text=texts.PICK_SLOT, buttons=slot_buttons(options or []))
        return done


def unavailable_message(dispatcher: CollectingDispatcher, exc: SlotUnavailable, mutualiteit: str | None,
                        *, rescheduling: bool) -> None:
    """The chosen moment is gone: fresh alternatives, or say that nothing changed."""
    if exc.alternatives:
        text = (texts.SLOT_TAKEN if isinstance(exc, SlotTaken)
                else texts.PICK_ANOTHER.format(reason=first_sentence(exc.message)))
        dispatcher.utter_message(text=text, buttons=slot_buttons(spread_over_days(exc.alternatives), none_fits=True))
        return
    if isinstance(exc, SlotTaken):
        first = texts.SLOT_TAKEN_NO_ALTERNATIVES
    else:
        first = texts.NO_OTHER_MOMENT.format(reason=first_sentence(exc.message))
    if rescheduling:
        dispatcher.utter_message(text=f"{first} {texts.APPOINTMENT_UNCHANGED}")
    else:
        dispatcher.utter_message(text=f"{first} {texts.NOTHING_STORED}\n{contact_text(mutualiteit)}")


def already_booked(dispatcher: CollectingDispatcher, existing: IntakeView, slot_id: int) -> list[dict[str, Any]]:
    """A moment pressed by someone who already has an appointment (this one, or another)."""
    if existing.slot_id == slot_id:
        dispatcher.utter_message(text=f"{texts.ALREADY_YOURS}\n{appointment_text(existing)}", buttons=change_buttons())
    else:
        dispatcher.utter_message(text=has_appointment_text(existing), buttons=change_buttons())
    return []


def book(session: Session, dispatcher: CollectingDispatcher, sender: str, slot_id: int,
         values: dict[str, Any]) -> list[dict[str, Any]]:
    contact = values[CONTACT]
    mutualiteit = fund(values[MUTUALITEIT])
    try:
        view = book_intake(
            session, sender_id=sender, slot_id=slot_id, name=values[NAME],
            phone=None if "@" in contact else contact, email=contact if "@" in contact else None,
            role="participant", mutualiteit=mutualiteit, postcode=values[POSTCODE],
            topic=values[TOPIC],
        )
    except AlreadyBooked as exc:
        return already_booked(dispatcher, exc.existing, slot_id) + clear_form()
    except SlotUnavailable as exc:  # SlotTaken too: show fresh alternatives, keep the answers
        unavailable_message(dispatcher, exc, mutualiteit, rescheduling=False)
        return [] if exc.alternatives else clear_form()
    except ConsentMissing as exc:
        dispatcher.utter_message(text=f"{exc.message} {texts.START_AGAIN}", buttons=[texts.BOOK_BUTTON])
        return clear_form()
    except IntakeError as exc:  # ValidationError and others: nothing was stored
        dispatcher.utter_message(text=f"{exc.message} {texts.NOTHING_STORED_START_AGAIN}",
                                 buttons=[texts.BOOK_BUTTON])
        return clear_form()
    log.info("Intake %s booked", view.id)
    dispatcher.utter_message(text=confirmation_text(view), buttons=[texts.MY_APPOINTMENT_BUTTON])
    return clear_form()


def move(session: Session, dispatcher: CollectingDispatcher, sender: str, intake_id: Any,
         slot_id: int) -> list[dict[str, Any]]:
    done = [SlotSet(RESCHEDULE_SLOT, None)]
    try:
        view = reschedule_intake(session, sender, intake_id, slot_id)
    except SlotUnavailable as exc:
        existing = upcoming_intakes(session, sender)
        if existing and existing[0].slot_id == slot_id:
            dispatcher.utter_message(text=texts.ALREADY_YOURS)
            return done
        unavailable_message(dispatcher, exc, None, rescheduling=True)
        return [] if exc.alternatives else done
    except IntakeError as exc:  # not found, not changeable any more, consent withdrawn
        dispatcher.utter_message(text=exc.message)
        return done
    log.info("Intake moved to %s", view.id)
    dispatcher.utter_message(text=confirmation_text(view, rescheduled=True), buttons=[texts.MY_APPOINTMENT_BUTTON])
    return done


def stale_button(session: Session, dispatcher: CollectingDispatcher, sender: str,
                 slot_id: int) -> list[dict[str, Any]]:
    upcoming = upcoming_intakes(session, sender)
    if upcoming:
        return already_booked(dispatcher, upcoming[0], slot_id)
    dispatcher.utter_message(text=texts.BUTTON_EXPIRED, buttons=[texts.BOOK_BUTTON])
    return []


class ActionChooseSlot(Action):
    """A moment button was pressed ("/inform{"slot_id": "42"}"): book it, or move the appointment.

    Also answers buttons pressed twice, pressed after someone else took the moment, or pressed
    long after the conversation moved on.
    """

    def name(self) -> str:
        return "action_choose_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        choice = Choice(raw=next(tracker.get_latest_entity_values(SLOT_ID_ENTITY), None),
                        reschedule_id=tracker.get_slot(RESCHEDULE_SLOT), values=form_values(tracker))
        values = choice.values
        mutualiteit = values[MUTUALITEIT] if values else None
        decision = decide_choice(choice)
        slot_id = decision.slot_id
        if slot_id is None:  # keep_appointment, none_fits, refused: no moment to book
            if decision.kind == "keep_appointment":
                dispatcher.utter_message(text=texts.CANCEL_KEPT)
                return [SlotSet(RESCHEDULE_SLOT, None)]
            if decision.kind == "none_fits":
                dispatcher.utter_message(text=f"{texts.NONE_FITS_TEXT}\n{contact_text(mutualiteit)}\n"
                                              f"{texts.NOTHING_STORED}")
                return clear_form()
            dispatcher.utter_message(text=decision.reply)
            return []
        try:
            sender = sender_of(tracker)
        except ValidationError as exc:
            dispatcher.utter_message(text=exc.message)
            return []
        try:
            if decision.kind == "reschedule":
                return with_session(lambda s: move(s, dispatcher, sender, choice.reschedule_id, slot_id))
            if values is None:  # stale_button
                return with_session(lambda s: stale_button(s, dispatcher, sender, slot_id))
            return with_session(lambda s: book(s, dispatcher, sender, slot_id, values))
        except StorageProblem:
            dispatcher.utter_message(text=f"{texts.DB_PROBLEM}\n{contact_text(mutualiteit)}")
            return []
