"""Booking an intake with a terug-naar-werk-coördinator: consent, the intake form, choosing a
moment, and "mijn afspraak" / annuleren / verplaatsen.

Flow (see nlu/data/rules/booking.yml):
  book_intake -> action_start_booking: an employer gets an explanation (no form); someone with
  an upcoming intake sees it; otherwise consent is asked (tnw_step=ask_consent), or, when it was
  given before, the form starts (tnw_step=start_form).
  affirm -> action_give_consent -> intake_form (name, contact, mutualiteit, postcode, topic)
  -> action_offer_slots (buttons "/inform{"slot_id": "42"}") -> action_choose_slot books.
Nothing personal is stored before a moment is chosen; booking is one transaction (intake).
Logs never contain personal data.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.booking_helpers import (
    ALREADY_YOURS,
    ASK_CANCEL,
    BUTTON_EXPIRED,
    CANCEL_BUTTON,
    CANCEL_KEPT,
    CANCELLED,
    CONSENT_BUTTONS,
    CONSENT_KNOWN,
    CONSENT_QUESTION,
    CONSENT_REFUSED,
    CONTACT,
    CONTACT_NOTED,
    DB_PROBLEM,
    EMPLOYER_BUTTONS,
    EMPLOYER_TEXT,
    FIELD_NL,
    FORM_NAME,
    FORM_SLOTS,
    FORM_STOPPED,
    MUTUALITEIT,
    MY_APPOINTMENT_BUTTON,
    NAME,
    NO_APPOINTMENT,
    NO_SLOTS,
    NO_SLOTS_RESCHEDULE,
    NONE_FITS,
    NONE_FITS_TEXT,
    PICK_NEW_SLOT,
    PICK_SLOT,
    POSTCODE,
    QUESTIONS,
    RELATIVE_BUTTONS,
    RELATIVE_TEXT,
    RESCHEDULE_BUTTON,
    RESCHEDULE_SLOT,
    SLOT_ID_ENTITY,
    SLOT_TAKEN,
    SLOT_TAKEN_NO_ALTERNATIVES,
    STEP_SLOT,
    STOP_ACK,
    TOPIC,
    UNKNOWN_MUTUALITEIT,
    VALIDATORS,
    YES_NO_BUTTONS,
    appointment_text,
    confirmation_text,
    contact_in_request,
    extract_for_slot,
    find_correction,
    is_employer_request,
    is_new_answer,
    is_relative_request,
    message_intent,
    message_text,
    mutualiteit_buttons,
    show_value,
    slot_buttons,
    slot_payload,
)
from actions.formatting import BOOK_BUTTON
from actions.roles import named_role
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
    cancel_intake,
    contact_route,
    free_slots,
    give_consent,
    has_consent,
    reschedule_intake,
    upcoming_intakes,
)
from intake.db import default_session_factory
from intake.validation import as_id, validate_sender_id

log = logging.getLogger(__name__)
T = TypeVar("T")

# tnw_step values (a categorical slot that the rules read)
ASK_CONSENT, START_FORM, CONFIRM_CANCEL, CONFIRM_DELETE = (
    "ask_consent", "start_form", "confirm_cancel", "confirm_delete")
DELETE_KEPT = "Oké, ik wis niets."
SLOT_CHOICES = 5
FETCH_FOR_SPREAD = 40
GENERIC_CONTACT = (
    "Bel of mail je ziekenfonds en vraag naar de terug-naar-werk-coördinator.\n"
    "Dat mag op elk moment tijdens je arbeidsongeschiktheid."
)


class StorageProblem(Exception):
    """The intake database could not be used; the person gets an apology and a contact route."""


def with_session(work: Callable[[Session], T]) -> T:
    """Run `work` in a fresh session; database failures become StorageProblem (logged without data)."""
    try:
        with default_session_factory()() as session:
            return work(session)
    except SQLAlchemyError as exc:
        log.warning("Intake database problem: %s", type(exc).__name__)
        raise StorageProblem() from exc


def sender_of(tracker: Tracker) -> str:
    """The pseudonymous sender id (the front ends never send a real user id)."""
    return validate_sender_id(tracker.sender_id)


def contact_text(mutualiteit: str | None) -> str:
    """The coordinator contact route, also when the database is down."""
    mutualiteit = None if mutualiteit == UNKNOWN_MUTUALITEIT else mutualiteit
    try:
        return with_session(lambda s: contact_route(s, mutualiteit))
    except StorageProblem:
        return GENERIC_CONTACT


def clear_form() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def spread_over_days(options: list[SlotOption], limit: int = SLOT_CHOICES) -> list[SlotOption]:
    """Up to `limit` moments, preferring different days (earliest first), then in time order."""
    chosen: list[SlotOption] = []
    days: set = set()
    for option in options:
        day = option.label.split(" om ")[0]
        if day not in days:
            chosen.append(option)
            days.add(day)
        if len(chosen) == limit:
            break
    for option in options:
        if len(chosen) == limit:
            break
        if option not in chosen:
            chosen.append(option)
    return sorted(chosen, key=lambda o: (o.starts_at, o.slot_id))


def offer_moments(session: Session, *, mutualiteit: str | None, postcode: str | None = None,
                  province: str | None = None, exclude: list[int] | None = None) -> list[SlotOption]:
    options = free_slots(session, mutualiteit=mutualiteit, postcode=postcode, province=province,
                         limit=FETCH_FOR_SPREAD, exclude=exclude or [])
    return spread_over_days(options)


# ---------------------------------------------------------------- starting: employer, consent


# What a reply to a booking request reports to `tnw eval --answers` (see actions/knowledge.py):
# a talk with the terug-naar-werk-coördinator.
BOOKING_REPLY = {"reply_kind": "booking", "measure": "tnw_coordinator"}


class ActionStartBooking(Action):
    """book_intake: employer explanation, an existing appointment, or the consent question."""

    def name(self) -> str:
        return "action_start_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = message_text(tracker.latest_message)
        role_entity = named_role(tracker)
        if is_employer_request(text, role_entity, tracker.get_slot("role")):
            dispatcher.utter_message(text=EMPLOYER_TEXT, buttons=EMPLOYER_BUTTONS, **BOOKING_REPLY)
            return [SlotSet(STEP_SLOT, None), SlotSet("role", "employer")]
        if is_relative_request(text, role_entity):
            dispatcher.utter_message(text=RELATIVE_TEXT, buttons=RELATIVE_BUTTONS, **BOOKING_REPLY)
            return [SlotSet(STEP_SLOT, None)]
        try:
            sender = sender_of(tracker)
            upcoming, consented = with_session(
                lambda s: (upcoming_intakes(s, sender), has_consent(s, sender)))
        except (StorageProblem, IntakeError):
            dispatcher.utter_message(text=f"{DB_PROBLEM}\n{GENERIC_CONTACT}", **BOOKING_REPLY)
            return [SlotSet(STEP_SLOT, None)]
        events: list[dict[str, Any]] = [SlotSet(RESCHEDULE_SLOT, None)]
        if role_entity == "participant":
            events.append(SlotSet("role", "participant"))
        if upcoming:
            dispatcher.utter_message(
                text="Je hebt al een afspraak.\n" + appointment_text(upcoming[0]),
                buttons=[RESCHEDULE_BUTTON, CANCEL_BUTTON], **BOOKING_REPLY,
            )
            return events + [SlotSet(STEP_SLOT, None)]
        if consented:
            dispatcher.utter_message(
                text=f"{CONSENT_KNOWN} Ik stel je 5 korte vragen. Typ 'stop' om te stoppen.", **BOOKING_REPLY
            )
            return events + [SlotSet(STEP_SLOT, START_FORM), *prefill_contact(dispatcher, text)]
        dispatcher.utter_message(text=CONSENT_QUESTION, buttons=CONSENT_BUTTONS, **BOOKING_REPLY)
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
            dispatcher.utter_message(text=f"{DB_PROBLEM}\n{GENERIC_CONTACT}")
            return [SlotSet(STEP_SLOT, None)]
        dispatcher.utter_message(text="Dank je! Ik stel je 5 korte vragen. Typ 'stop' om te stoppen.")
        return [SlotSet(STEP_SLOT, START_FORM), *prefill_contact(dispatcher, booking_request_text(tracker))]


def booking_request_text(tracker: Tracker) -> str:
    """The text of the user's latest booking request (the message before the consent answer)."""
    for event in reversed(tracker.events):
        if (event.get("event") == "user"
                and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == "book_intake"):
            return event.get("text") or ""
    return ""


def prefill_contact(dispatcher: CollectingDispatcher, request: str) -> list[dict[str, Any]]:
    """"Bel mij terug op 0470 12 34 56": the form need not ask for the number again (consent given)."""
    contact = contact_in_request(request)
    if contact is None:
        return []
    dispatcher.utter_message(text=CONTACT_NOTED.format(contact=show_value(CONTACT, contact)))
    return [SlotSet(CONTACT, contact)]


class ActionConsentRefused(Action):
    """No consent: nothing is stored, and the person still gets the way to a coordinator."""

    def name(self) -> str:
        return "action_consent_refused"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"{CONSENT_REFUSED}\n{contact_text(None)}")
        return [SlotSet(STEP_SLOT, None)]


# ---------------------------------------------------------------- the form


class ValidateIntakeForm(FormValidationAction):
    """Fills the form's slots from what the person typed, checks them, and handles corrections.

    A message fills the slot that was asked for, unless it is clearly something else (a
    question about a measure, "stop", a request about privacy or an appointment): then nothing
    is filled, the form is rejected and the rules answer it, after which the form asks again.
    "Mijn nummer is eigenlijk ..." corrects an earlier answer and the form asks its question again.
    """

    def name(self) -> str:
        return "validate_intake_form"

    # -- extraction (custom mappings)

    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if not is_new_answer(tracker.events):
            return {}
        message = tracker.latest_message or {}
        text = message_text(message)
        requested = tracker.get_slot("requested_slot")
        filled = {name: tracker.get_slot(name) for name in FORM_SLOTS}
        correction = find_correction(text, requested, filled)
        if correction is not None:
            target, raw = correction
            if target != slot:
                return {}
            try:
                value = VALIDATORS[slot](raw)
            except ValidationError as exc:
                dispatcher.utter_message(text=f"{exc.message} Ik hou je {FIELD_NL[slot]} zoals het was.")
                return {slot: filled[slot]}  # counts as handled: the form asks its question again
            dispatcher.utter_message(text=f"Oké, ik heb je {FIELD_NL[slot]} aangepast: {show_value(slot, value)}.")
            return {slot: value}
        if slot != requested:
            return {}
        value = extract_for_slot(slot, text, message_intent(message), message.get("entities") or [])
        return {} if value is None else {slot: value}

    def extract_intake_name(self, dispatcher, tracker, domain):
        return self._extract(NAME, dispatcher, tracker)

    def extract_intake_contact(self, dispatcher, tracker, domain):
        return self._extract(CONTACT, dispatcher, tracker)

    def extract_intake_mutualiteit(self, dispatcher, tracker, domain):
        return self._extract(MUTUALITEIT, dispatcher, tracker)

    def extract_intake_postcode(self, dispatcher, tracker, domain):
        return self._extract(POSTCODE, dispatcher, tracker)

    def extract_intake_topic(self, dispatcher, tracker, domain):
        return self._extract(TOPIC, dispatcher, tracker)

    # -- validation

    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if value is None or tracker.get_slot("requested_slot") != slot:
            return {slot: value}  # corrections were checked while extracting
        try:
            return {slot: VALIDATORS[slot](value)}
        except ValidationError as exc:
            dispatcher.utter_message(text=exc.message)
            return {slot: None}

    def validate_intake_name(self, value, dispatcher, tracker, domain):
        return self._validate(NAME, value, dispatcher, tracker)

    def validate_intake_contact(self, value, dispatcher, tracker, domain):
        return self._validate(CONTACT, value, dispatcher, tracker)

    def validate_intake_mutualiteit(self, value, dispatcher, tracker, domain):
        return self._validate(MUTUALITEIT, value, dispatcher, tracker)

    def validate_intake_postcode(self, value, dispatcher, tracker, domain):
        return self._validate(POSTCODE, value, dispatcher, tracker)

    def validate_intake_topic(self, value, dispatcher, tracker, domain):
        return self._validate(TOPIC, value, dispatcher, tracker)


class _AskAction(Action, ABC):
    """The form asks for its slots with these actions (one question, with buttons if useful)."""

    @property
    @abstractmethod
    def slot(self) -> str:
        ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        buttons = mutualiteit_buttons() if self.slot == MUTUALITEIT else []
        dispatcher.utter_message(text=QUESTIONS[self.slot], buttons=buttons)
        return []


class ActionAskName(_AskAction):
    slot = NAME


class ActionAskContact(_AskAction):
    slot = CONTACT


class ActionAskMutualiteit(_AskAction):
    slot = MUTUALITEIT


class ActionAskPostcode(_AskAction):
    slot = POSTCODE


class ActionAskTopic(_AskAction):
    slot = TOPIC


class ActionStopBooking(Action):
    """stop / deny: end the form (or whatever was pending) and forget what was typed."""

    def name(self) -> str:
        return "action_stop_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        in_form = tracker.active_loop_name == FORM_NAME
        had_data = any(tracker.get_slot(slot) is not None for slot in FORM_SLOTS)
        dispatcher.utter_message(text=FORM_STOPPED if in_form or had_data else STOP_ACK)
        return [ActiveLoop(None), SlotSet("requested_slot", None), *clear_form(), SlotSet(RESCHEDULE_SLOT, None),
                         SlotSet(STEP_SLOT, None)]


class ActionConfirmationDeclined(Action):
    """"Nee" to "annuleren?" or "alles wissen?": nothing changes."""

    def name(self) -> str:
        return "action_confirmation_declined"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        step = tracker.get_slot(STEP_SLOT)
        dispatcher.utter_message(text=DELETE_KEPT if step == CONFIRM_DELETE else CANCEL_KEPT)
        return [SlotSet(STEP_SLOT, None)]


# ---------------------------------------------------------------- choosing a moment and booking


def form_values(tracker: Tracker) -> dict[str, Any] | None:
    values = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
    return values if all(values[s] is not None for s in FORM_SLOTS) else None


class ActionOfferSlots(Action):
    """After the form: offer free moments as buttons, or the contact route when there are none."""

    def name(self) -> str:
        return "action_offer_slots"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        values = form_values(tracker)
        done = [SlotSet(STEP_SLOT, None)]
        if values is None:
            dispatcher.utter_message(text="Er ontbreekt nog iets. Wil je opnieuw beginnen?", buttons=[BOOK_BUTTON])
            return done
        mutualiteit = None if values[MUTUALITEIT] == UNKNOWN_MUTUALITEIT else values[MUTUALITEIT]
        try:
            options = with_session(lambda s: offer_moments(s, mutualiteit=mutualiteit, postcode=values[POSTCODE]))
        except StorageProblem:
            dispatcher.utter_message(text=f"{DB_PROBLEM}\n{contact_text(mutualiteit)}")
            return done + clear_form()
        if not options:
            dispatcher.utter_message(text=f"{NO_SLOTS}\n{contact_text(mutualiteit)}")
            return done + clear_form()
        dispatcher.utter_message(text=PICK_SLOT, buttons=slot_buttons(options))
        return done


def _alternatives_message(dispatcher: CollectingDispatcher, exc: SlotUnavailable, mutualiteit: str | None,
                          *, rescheduling: bool) -> None:
    if exc.alternatives:
        text = SLOT_TAKEN if isinstance(exc, SlotTaken) else f"{exc.message.split('.')[0]}. Kies een ander moment:"
        dispatcher.utter_message(text=text, buttons=slot_buttons(spread_over_days(exc.alternatives),
                                                                 none_fits=True))
        return
    if isinstance(exc, SlotTaken):
        first = SLOT_TAKEN_NO_ALTERNATIVES
    else:
        first = exc.message.split(".")[0] + ", en er is geen ander vrij moment meer."
    if rescheduling:
        dispatcher.utter_message(text=f"{first} Je afspraak blijft staan zoals ze was.")
    else:
        dispatcher.utter_message(text=f"{first} Ik heb niets van je gegevens bewaard.\n{contact_text(mutualiteit)}")


class ActionChooseSlot(Action):
    """A moment button was pressed ("/inform{"slot_id": "42"}"): book it, or move the appointment.

    Also answers buttons pressed twice, pressed after someone else took the moment, or pressed
    long after the conversation moved on.
    """

    def name(self) -> str:
        return "action_choose_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        raw = next(tracker.get_latest_entity_values(SLOT_ID_ENTITY), None)
        reschedule_id = tracker.get_slot(RESCHEDULE_SLOT)
        values = form_values(tracker)
        mutualiteit = values[MUTUALITEIT] if values else None
        if raw == NONE_FITS:
            if reschedule_id:
                dispatcher.utter_message(text=CANCEL_KEPT)
                return [SlotSet(RESCHEDULE_SLOT, None)]
            dispatcher.utter_message(text=f"{NONE_FITS_TEXT}\n{contact_text(mutualiteit)}\n"
                                          "Ik heb niets van je gegevens bewaard.")
            return clear_form()
        try:
            slot_id = as_id(raw, "slot_id")
            sender = sender_of(tracker)
        except ValidationError as exc:
            dispatcher.utter_message(text=exc.message)
            return []
        try:
            if reschedule_id:
                return with_session(lambda s: self._reschedule(s, dispatcher, sender, reschedule_id, slot_id))
            if values is None:
                return with_session(lambda s: self._stale_button(s, dispatcher, sender, slot_id))
            return with_session(lambda s: self._book(s, dispatcher, sender, slot_id, values))
        except StorageProblem:
            dispatcher.utter_message(text=f"{DB_PROBLEM}\n{contact_text(mutualiteit)}")
            return []

    @staticmethod
    def _book(session: Session, dispatcher: CollectingDispatcher, sender: str, slot_id: int,
              values: dict[str, Any]) -> list[dict[str, Any]]:
        contact = values[CONTACT]
        mutualiteit = None if values[MUTUALITEIT] == UNKNOWN_MUTUALITEIT else values[MUTUALITEIT]
        try:
            view = book_intake(
                session, sender_id=sender, slot_id=slot_id, name=values[NAME],
                phone=None if "@" in contact else contact, email=contact if "@" in contact else None,
                role="participant", mutualiteit=mutualiteit, postcode=values[POSTCODE],
                topic=values[TOPIC],
            )
        except AlreadyBooked as exc:
            return _already_booked(dispatcher, exc.existing, slot_id) + clear_form()
        except SlotUnavailable as exc:  # SlotTaken too: show fresh alternatives, keep the answers
            _alternatives_message(dispatcher, exc, mutualiteit, rescheduling=False)
            return [] if exc.alternatives else clear_form()
        except ConsentMissing as exc:
            dispatcher.utter_message(text=f"{exc.message} Wil je opnieuw beginnen?", buttons=[BOOK_BUTTON])
            return clear_form()
        except IntakeError as exc:  # ValidationError and others: nothing was stored
            dispatcher.utter_message(text=f"{exc.message} Er is niets bewaard. Wil je opnieuw beginnen?",
                                     buttons=[BOOK_BUTTON])
            return clear_form()
        log.info("Intake %s booked", view.id)
        dispatcher.utter_message(text=confirmation_text(view), buttons=[MY_APPOINTMENT_BUTTON])
        return clear_form()

    @staticmethod
    def _reschedule(session: Session, dispatcher: CollectingDispatcher, sender: str, intake_id: Any,
                    slot_id: int) -> list[dict[str, Any]]:
        try:
            view = reschedule_intake(session, sender, intake_id, slot_id)
        except SlotUnavailable as exc:
            existing = upcoming_intakes(session, sender)
            if existing and existing[0].slot_id == slot_id:
                dispatcher.utter_message(text=ALREADY_YOURS)
                return [SlotSet(RESCHEDULE_SLOT, None)]
            _alternatives_message(dispatcher, exc, None, rescheduling=True)
            return [] if exc.alternatives else [SlotSet(RESCHEDULE_SLOT, None)]
        except IntakeError as exc:  # not found, not changeable any more, consent withdrawn
            dispatcher.utter_message(text=exc.message)
            return [SlotSet(RESCHEDULE_SLOT, None)]
        log.info("Intake moved to %s", view.id)
        dispatcher.utter_message(text=confirmation_text(view, rescheduled=True), buttons=[MY_APPOINTMENT_BUTTON])
        return [SlotSet(RESCHEDULE_SLOT, None)]

    @staticmethod
    def _stale_button(session: Session, dispatcher: CollectingDispatcher, sender: str,
                      slot_id: int) -> list[dict[str, Any]]:
        upcoming = upcoming_intakes(session, sender)
        if upcoming:
            return _already_booked(dispatcher, upcoming[0], slot_id)
        dispatcher.utter_message(text=BUTTON_EXPIRED, buttons=[BOOK_BUTTON])
        return []


def _already_booked(dispatcher: CollectingDispatcher, existing: IntakeView, slot_id: int) -> list[dict[str, Any]]:
    if existing.slot_id == slot_id:
        dispatcher.utter_message(text=f"{ALREADY_YOURS}\n{appointment_text(existing)}",
                                 buttons=[RESCHEDULE_BUTTON, CANCEL_BUTTON])
    else:
        dispatcher.utter_message(text="Je hebt al een afspraak.\n" + appointment_text(existing),
                                 buttons=[RESCHEDULE_BUTTON, CANCEL_BUTTON])
    return []


# ---------------------------------------------------------------- my appointment, cancel, reschedule


def _upcoming(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[IntakeView] | None:
    """The person's upcoming intakes; None (after apologising) when the database is down."""
    try:
        sender = sender_of(tracker)
        return with_session(lambda s: upcoming_intakes(s, sender))
    except (StorageProblem, IntakeError):
        dispatcher.utter_message(text=f"Sorry, ik kan je afspraak nu niet opzoeken. Probeer het straks opnieuw.\n"
                                      f"{GENERIC_CONTACT}")
        return None


class ActionMyAppointment(Action):
    def name(self) -> str:
        return "action_my_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        upcoming = _upcoming(dispatcher, tracker)
        if upcoming is None:
            return []
        if not upcoming:
            dispatcher.utter_message(text=NO_APPOINTMENT, buttons=[BOOK_BUTTON])
            return []
        dispatcher.utter_message(text=appointment_text(upcoming[0]), buttons=[RESCHEDULE_BUTTON, CANCEL_BUTTON])
        return []


class ActionAskCancel(Action):
    """cancel_appointment: ask to confirm (tnw_step=confirm_cancel) when there is something to cancel."""

    def name(self) -> str:
        return "action_ask_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        upcoming = _upcoming(dispatcher, tracker)
        if not upcoming:
            if upcoming is not None:
                dispatcher.utter_message(text=NO_APPOINTMENT, buttons=[BOOK_BUTTON])
            return [SlotSet(STEP_SLOT, None)]
        view = upcoming[0]
        dispatcher.utter_message(text=ASK_CANCEL.format(when=view.when, coordinator=view.coordinator_name),
                                 buttons=YES_NO_BUTTONS)
        return [SlotSet(STEP_SLOT, CONFIRM_CANCEL)]


class ActionCancelAppointment(Action):
    """Confirmed: cancel the upcoming intake (the coordinator is notified through the outbox)."""

    def name(self) -> str:
        return "action_cancel_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        done = [SlotSet(STEP_SLOT, None), SlotSet(RESCHEDULE_SLOT, None)]
        upcoming = _upcoming(dispatcher, tracker)
        if upcoming is None:
            return done
        if not upcoming:
            dispatcher.utter_message(text="Je hebt geen afspraak meer om te annuleren.")
            return done
        sender = sender_of(tracker)
        try:
            view = with_session(lambda s: cancel_intake(s, sender, upcoming[0].id))
        except IntakeError as exc:
            dispatcher.utter_message(text=exc.message)
            return done
        except StorageProblem:
            dispatcher.utter_message(text="Sorry, het annuleren is niet gelukt. Probeer het straks opnieuw.")
            return done
        log.info("Intake %s cancelled by the participant", view.id)
        dispatcher.utter_message(text=CANCELLED.format(when=view.when) + " Wil je een nieuw moment kiezen?",
                                 buttons=[BOOK_BUTTON])
        return done


class ActionOfferReschedule(Action):
    """reschedule_appointment: offer other free moments; the chosen button moves the intake."""

    def name(self) -> str:
        return "action_offer_reschedule"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        upcoming = _upcoming(dispatcher, tracker)
        if upcoming is None:
            return []
        if not upcoming:
            dispatcher.utter_message(text=NO_APPOINTMENT, buttons=[BOOK_BUTTON])
            return [SlotSet(RESCHEDULE_SLOT, None)]
        view = upcoming[0]
        try:
            options = with_session(lambda s: offer_moments(
                s, mutualiteit=view.mutualiteit or view.coordinator_mutualiteit, province=view.province,
                exclude=[view.slot_id]))
        except StorageProblem:
            options = None
        if not options:
            dispatcher.utter_message(text=f"{NO_SLOTS_RESCHEDULE.format(when=view.when)}\n"
                                          f"{contact_text(view.mutualiteit)}")
            return [SlotSet(RESCHEDULE_SLOT, None)]
        buttons = slot_buttons(options, none_fits=False)
        buttons.append({"title": "Toch niet verplaatsen", "payload": slot_payload(NONE_FITS)})
        dispatcher.utter_message(text=PICK_NEW_SLOT.format(when=view.when), buttons=buttons)
        return [SlotSet(RESCHEDULE_SLOT, str(view.id))]
