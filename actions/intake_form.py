"""The intake form (`intake_form`): its questions, what fills its slots, and stopping it.

Flow (see nlu/data/rules/booking.yml): after consent the form asks for name, contact,
mutualiteit, postcode and topic (the `action_ask_*` actions), then action_offer_slots offers
moments. Nothing is stored while the form runs; the answers live in slots until a moment is
booked, and are forgotten on "stop".

The form uses custom slot mappings. Per message, `decide_extraction` decides whether it fills
the slot that was asked, corrects an earlier answer ("mijn nummer is eigenlijk ..."; the form
then asks its question again), or is something else (a question about a measure, "stop", a
request about privacy or an appointment): then nothing is filled, the form is rejected and the
rules answer it, after which the form asks again. `check_answer` checks a value: the rules for
names, contact data and topics live in intake/validation.py, the ziekenfondsen in
intake/mutualiteiten.py and the postcodes in intake/regions.py; this module only maps a slot to
its check (`VALIDATORS`).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.booking_replies import mutualiteit_buttons, show_value
from actions.booking_slots import (
    CONTACT,
    FORM_NAME,
    FORM_SLOTS,
    MUTUALITEIT,
    NAME,
    POSTCODE,
    REQUESTED_SLOT,
    RESCHEDULE_SLOT,
    STEP_SLOT,
    TOPIC,
    UNKNOWN_MUTUALITEIT,
)
from actions.message_parsing import (
    extract_for_slot,
    find_correction,
    find_mutualiteit,
    is_new_answer,
    message_intent,
    message_text,
)
from intake import ValidationError, normalize_postcode
from intake.validation import validate_contact, validate_name, validate_topic

# ---------------------------------------------------------------- checking an answer


def validate_mutualiteit(raw: object) -> str:
    """A ziekenfonds named anywhere in the answer, or UNKNOWN_MUTUALITEIT ("Ik weet het niet")."""
    if raw == UNKNOWN_MUTUALITEIT:
        return UNKNOWN_MUTUALITEIT
    found = find_mutualiteit(raw) if isinstance(raw, str) else None
    if not found:
        raise ValidationError("mutualiteit", texts.MUTUALITEIT_UNKNOWN)
    return found


def validate_postcode(raw: object) -> str:
    """A Belgian postcode ("9000", "B-9000"; the rule is intake.regions.normalize_postcode)."""
    code = normalize_postcode(raw.strip()) if isinstance(raw, str) else None
    if code is None:
        raise ValidationError("postcode", texts.POSTCODE_NOT_BELGIAN)
    return code


VALIDATORS: dict[str, Callable[[Any], str]] = {
    NAME: validate_name, CONTACT: validate_contact, MUTUALITEIT: validate_mutualiteit,
    POSTCODE: validate_postcode, TOPIC: validate_topic,
}


def form_values(tracker: Tracker) -> dict[str, Any] | None:
    """The form's answers, or None while one is missing."""
    values = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
    return values if all(values[s] is not None for s in FORM_SLOTS) else None


def clear_form() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class FormMessage:
    """The latest message as the form sees it."""
    text: str  # empty for button payloads
    intent: str
    entities: list[dict] = field(default_factory=list)
    requested: str | None = None  # the slot being asked
    filled: dict[str, Any] = field(default_factory=dict)  # every form slot, None when unanswered
    new: bool = True  # not handled yet by another action (see message_parsing.is_new_answer)


@dataclass(frozen=True)
class Extraction:
    kind: str  # none (let the rules answer) | answer | corrected | kept (a refused correction)
    value: Any = None
    reply: str | None = None


@dataclass(frozen=True)
class Checked:
    value: Any  # None when refused: the form asks again
    reply: str | None = None  # why it was refused


def decide_extraction(slot: str, message: FormMessage) -> Extraction:
    """What the message means for `slot`: its answer, a correction of it, or nothing."""
    if not message.new:
        return Extraction("none")
    correction = find_correction(message.text, message.requested, message.filled)
    if correction is not None:
        target, raw = correction
        if target != slot:
            return Extraction("none")
        try:
            value = VALIDATORS[slot](raw)
        except ValidationError as exc:
            # Counts as handled (the old value is set again): the form asks its question again.
            return Extraction("kept", message.filled.get(slot), texts.CORRECTION_REFUSED.format(
                reason=exc.message, field=texts.FIELD_NL[slot]))
        return Extraction("corrected", value, texts.CORRECTED.format(
            field=texts.FIELD_NL[slot], value=show_value(slot, value)))
    if slot != message.requested:
        return Extraction("none")
    answer = extract_for_slot(slot, message.text, message.intent, message.entities)
    return Extraction("none") if answer is None else Extraction("answer", answer)


def check_answer(slot: str, value: Any, requested: str | None) -> Checked:
    """Check the answer to the question that was asked (corrections were checked while extracting)."""
    if value is None or requested != slot:
        return Checked(value)
    try:
        return Checked(VALIDATORS[slot](value))
    except ValidationError as exc:
        return Checked(None, exc.message)


def stop_reply(in_form: bool, had_answers: bool) -> str:
    """"Stop": say that nothing was kept when something had been asked, else just acknowledge."""
    return texts.FORM_STOPPED if in_form or had_answers else texts.STOP_ACK


# ---------------------------------------------------------------- the actions


def read_form_message(tracker: Tracker) -> FormMessage:
    message = tracker.latest_message or {}
    return FormMessage(
        text=message_text(message), intent=message_intent(message), entities=message.get("entities") or [],
        requested=tracker.get_slot(REQUESTED_SLOT), filled={name: tracker.get_slot(name) for name in FORM_SLOTS},
        new=is_new_answer(tracker.events),
    )


class ValidateIntakeForm(FormValidationAction):
    """Fills the form's slots from what the person typed, checks them, and handles corrections."""

    def name(self) -> str:
        return "validate_intake_form"

    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        extraction = decide_extraction(slot, read_form_message(tracker))
        if extraction.reply:
            dispatcher.utter_message(text=extraction.reply)
        return {} if extraction.kind == "none" else {slot: extraction.value}

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

    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        checked = check_answer(slot, value, tracker.get_slot(REQUESTED_SLOT))
        if checked.reply:
            dispatcher.utter_message(text=checked.reply)
        return {slot: checked.value}

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
        dispatcher.utter_message(text=texts.QUESTIONS[self.slot], buttons=buttons)
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
        had_answers = any(tracker.get_slot(slot) is not None for slot in FORM_SLOTS)
        dispatcher.utter_message(text=stop_reply(tracker.active_loop_name == FORM_NAME, had_answers))
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), *clear_form(), SlotSet(RESCHEDULE_SLOT, None),
                SlotSet(STEP_SLOT, None)]
