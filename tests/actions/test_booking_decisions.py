"""The booking's pure decisions, without Rasa's action server or a database."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Action

import actions
from actions import texts
from actions.appointments import decide_lookup, declined_reply
from actions.booking_replies import appointment_text, confirmation_text, spread_over_days
from actions.booking_slots import (
    CONFIRM_CANCEL,
    CONFIRM_DELETE,
    CONTACT,
    FORM_SLOTS,
    MUTUALITEIT,
    NAME,
    NONE_FITS,
    POSTCODE,
    TOPIC,
    UNKNOWN_MUTUALITEIT,
)
from actions.consent import BookingRequest, Record, booked_for, decide_start
from actions.intake_form import FormMessage, check_answer, decide_extraction, stop_reply
from actions.message_parsing import contact_in_request
from actions.moments import Choice, decide_choice, decide_offer
from intake import IntakeView, SlotOption

DOMAIN_DIR = Path(actions.__file__).resolve().parent.parent / "nlu" / "domain"
START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
FILLED = {NAME: "Jan Peeters", CONTACT: "+32470123456", MUTUALITEIT: "CM", POSTCODE: "9000", TOPIC: "Halftijds"}


def view(slot_id=7, **changes) -> IntakeView:
    values = dict(
        id=3, status="booked", starts_at=START, ends_at=START + timedelta(minutes=45), slot_id=slot_id,
        coordinator_id=1, coordinator_name="An Voorbeeld", coordinator_mutualiteit="CM",
        participant_name="Jan Peeters", phone="+32470123456", email=None, role="participant",
        mutualiteit="CM", postcode="9000", province="oost-vlaanderen", region="vlaanderen",
        topic="Halftijds", created_at=START, updated_at=START,
    )
    values.update(changes)
    return IntakeView(**values)


def option(slot_id: int, day: int, hour: int = 9) -> SlotOption:
    start = START + timedelta(days=day, hours=hour - 9)
    return SlotOption(slot_id, start, start + timedelta(minutes=45), 1, "An Voorbeeld", "CM")


# ---------------------------------------------------------------- starting a booking


@pytest.mark.parametrize(("request_", "expected"), [
    (BookingRequest("ik wil een afspraak voor mijn werknemer", None, None), "employer"),
    (BookingRequest("ik wil een afspraak", None, "employer"), "employer"),
    (BookingRequest("ik wil een afspraak voor mezelf", None, "employer"), "self"),
    (BookingRequest("plan een gesprek voor mijn man", None, None), "relative"),
    (BookingRequest("plan een gesprek voor mijn man", "participant", None), "self"),
    (BookingRequest("", None, None), "self"),  # a button
])
def test_who_a_booking_is_for(request_, expected):
    assert booked_for(request_) == expected


def test_someone_else_gets_an_explanation_whatever_the_store_holds():
    request = BookingRequest("voor mijn werknemer", None, None)
    assert decide_start(request, None).kind == "employer"
    assert decide_start(request, Record([view()], True)).kind == "employer"


def test_a_booking_by_the_person_concerned():
    request = BookingRequest("ik wil een afspraak", None, None)
    assert decide_start(request, None).kind == "unavailable"
    assert decide_start(request, Record([], False)).kind == "ask_consent"
    existing = view()
    decision = decide_start(request, Record([existing, view(slot_id=8)], True))
    assert decision.kind == "has_appointment" and decision.appointment == existing
    decision = decide_start(request, Record([], True))
    assert decision.kind == "start_form" and decision.contact is None


def test_the_number_in_the_request_is_found_with_phonenumbers_and_validated():
    request = BookingRequest("bel me op 0470 12 34 56 aub", None, None)
    assert decide_start(request, Record([], True)).contact == "+32470123456"
    assert contact_in_request("bel mij terug op +31 6 12345678") == "+31612345678"
    assert contact_in_request("mail me op an@voorbeeld.be") == "an@voorbeeld.be"
    assert contact_in_request("bel me op 0470 12 34 5") is None  # not valid: the form asks
    assert contact_in_request("ik wil een afspraak") is None


# ---------------------------------------------------------------- the form


def message(text, requested=NAME, intent="inform", filled=None, new=True, entities=()):
    slots = dict.fromkeys(FORM_SLOTS)
    slots.update(filled or {})
    return FormMessage(text=text, intent=intent, entities=list(entities), requested=requested, filled=slots, new=new)


def test_an_answer_fills_only_the_slot_that_was_asked():
    asked = message("mijn naam is Jan Peeters")
    assert decide_extraction(NAME, asked).kind == "answer" and decide_extraction(NAME, asked).value == "Jan Peeters"
    assert decide_extraction(CONTACT, asked).kind == "none"


def test_a_message_handled_by_another_action_is_not_taken_again():
    assert decide_extraction(NAME, message("Jan", new=False)).kind == "none"


def test_a_question_is_left_to_the_rules():
    asked = message("wat is BTOM?", intent="ask_measure", entities=[{"entity": "measure", "value": "btom"}])
    assert decide_extraction(NAME, asked).kind == "none"


def test_a_correction_replaces_an_earlier_answer_and_says_so():
    asked = message("mijn nummer is eigenlijk 0499 11 22 33", requested=MUTUALITEIT, filled=FILLED)
    extraction = decide_extraction(CONTACT, asked)
    assert extraction.kind == "corrected" and extraction.value == "+32499112233"
    assert extraction.reply == "Oké, ik heb je telefoonnummer of e-mailadres aangepast: 0499 11 22 33."
    assert decide_extraction(MUTUALITEIT, asked).kind == "none"  # the slot asked is not filled


def test_an_invalid_correction_keeps_the_old_value():
    asked = message("mijn nummer is eigenlijk 0499 11 22", requested=MUTUALITEIT, filled=FILLED)
    extraction = decide_extraction(CONTACT, asked)
    assert extraction.kind == "kept" and extraction.value == "+32470123456"
    assert extraction.reply.startswith("Dat telefoonnummer klopt niet.")
    assert extraction.reply.endswith("Ik hou je telefoonnummer of e-mailadres zoals het was.")


def test_answers_are_checked_by_the_rules_of_intake():
    assert check_answer(CONTACT, "0470 12 34 56", CONTACT).value == "+32470123456"
    refused = check_answer(POSTCODE, "75001", POSTCODE)
    assert refused.value is None and refused.reply == texts.POSTCODE_NOT_BELGIAN
    assert check_answer(MUTUALITEIT, UNKNOWN_MUTUALITEIT, MUTUALITEIT).value == UNKNOWN_MUTUALITEIT
    assert check_answer(MUTUALITEIT, "De Verzekering NV", MUTUALITEIT).reply == texts.MUTUALITEIT_UNKNOWN
    # a slot not being asked (a correction) was checked while extracting
    assert check_answer(CONTACT, "+32499112233", MUTUALITEIT).value == "+32499112233"


def test_stopping_says_nothing_was_kept_only_when_something_was_asked():
    assert stop_reply(in_form=True, had_answers=False) == texts.FORM_STOPPED
    assert stop_reply(in_form=False, had_answers=True) == texts.FORM_STOPPED
    assert stop_reply(in_form=False, had_answers=False) == texts.STOP_ACK


# ---------------------------------------------------------------- moments


def test_offering_moments():
    assert decide_offer(None, None) == "incomplete"
    assert decide_offer(FILLED, None) == "unavailable"
    assert decide_offer(FILLED, []) == "none_free"
    assert decide_offer(FILLED, [option(1, 0)]) == "offer"


def test_moments_are_spread_over_days_then_in_time_order():
    options = [option(1, 0), option(2, 0, 10), option(3, 0, 11), option(4, 1), option(5, 2), option(6, 3),
               option(7, 4), option(8, 5)]
    assert [o.slot_id for o in spread_over_days(options)] == [1, 4, 5, 6, 7]
    assert [o.slot_id for o in spread_over_days(options[:4])] == [1, 2, 3, 4]


@pytest.mark.parametrize(("choice", "kind", "slot_id"), [
    (Choice(NONE_FITS, reschedule_id="3"), "keep_appointment", None),
    (Choice(NONE_FITS, values=FILLED), "none_fits", None),
    (Choice("42", reschedule_id="3"), "reschedule", 42),
    (Choice("42", values=FILLED), "book", 42),
    (Choice("42"), "stale_button", 42),
    (Choice("1; DROP TABLE slots", values=FILLED), "refused", None),
    (Choice(None, values=FILLED), "refused", None),
])
def test_what_a_moment_button_does(choice, kind, slot_id):
    decision = decide_choice(choice)
    assert (decision.kind, decision.slot_id) == (kind, slot_id)
    if kind == "refused":
        assert decision.reply == "Dat begrijp ik niet. Kies een van de knoppen."


# ---------------------------------------------------------------- appointments


def test_the_one_appointment_lookup():
    assert decide_lookup(None).kind == "unavailable"
    assert decide_lookup([]).kind == "none"
    first = view()
    found = decide_lookup([first, view(slot_id=9)])
    assert found.kind == "found" and found.view == first


def test_declining_a_confirmation_changes_nothing():
    assert declined_reply(CONFIRM_DELETE) == texts.DELETE_KEPT
    assert declined_reply(CONFIRM_CANCEL) == texts.CANCEL_KEPT
    assert declined_reply(None) == texts.CANCEL_KEPT


def test_appointment_and_confirmation_texts():
    shown = appointment_text(view())
    assert shown.startswith("Je afspraak:\n📅 ") and "👤 An Voorbeeld (CM)" in shown
    confirmed = confirmation_text(view())
    assert confirmed.startswith("Je afspraak staat vast!")
    assert "De coördinator contacteert je op 0470 12 34 56." in confirmed
    moved = confirmation_text(view(phone=None, email="jan@voorbeeld.be"), rescheduled=True)
    assert moved.startswith("Je afspraak is verplaatst.") and "contacteert je via jan@voorbeeld.be." in moved


# ---------------------------------------------------------------- the actions Rasa knows


def test_every_custom_action_of_the_domain_is_served_once_under_its_name():
    """Splitting modules must not rename an action: the trained model refers to these names."""
    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    served = [cls().name() for cls in set(subclasses(Action))
              if cls.__module__.startswith("actions.") and not inspect.isabstract(cls)]
    assert len(served) == len(set(served))
    domain_actions = set()
    for path in DOMAIN_DIR.glob("*.yml"):
        domain_actions |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or [])
    assert set(served) == domain_actions
