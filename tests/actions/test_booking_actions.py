"""Booking actions with rasa_sdk trackers against a migrated SQLite database (no Rasa server)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actions.appointments import (
    ActionAskCancel,
    ActionCancelAppointment,
    ActionConfirmationDeclined,
    ActionMyAppointment,
    ActionOfferReschedule,
)
from actions.booking_replies import mutualiteit_buttons, spread_over_days
from actions.booking_slots import (
    CONTACT,
    FORM_NAME,
    FORM_SLOTS,
    MUTUALITEIT,
    NAME,
    NONE_FITS,
    POSTCODE,
    RESCHEDULE_SLOT,
    STEP_SLOT,
    TOPIC,
    UNKNOWN_MUTUALITEIT,
)
from actions.consent import ActionConsentRefused, ActionGiveConsent, ActionStartBooking
from actions.intake_form import (
    ActionAskMutualiteit,
    ActionStopBooking,
    ValidateIntakeForm,
    validate_mutualiteit,
    validate_postcode,
)
from actions.message_parsing import extract_for_slot, find_correction, is_new_answer
from actions.moments import ActionChooseSlot, ActionOfferSlots
from actions.texts import (
    ALREADY_YOURS,
    BUTTON_EXPIRED,
    CANCEL_KEPT,
    FORM_STOPPED,
    MUTUALITEIT_UNKNOWN,
    NO_APPOINTMENT,
    NO_SLOTS,
    POSTCODE_NOT_BELGIAN,
    QUESTIONS,
    SLOT_TAKEN_NO_ALTERNATIVES,
    STOP_ACK,
)
from intake import MUTUALITEITEN, ValidationError, give_consent, has_consent, upcoming_intakes
from intake.models import Intake, Slot
from intake.validation import (
    CONTACT_MISSING,
    EMAIL_INVALID,
    NAME_BAD_CHARACTERS,
    NAME_TOO_LONG,
    validate_contact,
    validate_name,
    validate_topic,
)
from tests.actions.booking_support import (
    FORM_VALUES,
    OTHER,
    SENDER,
    book,
    payloads,
    run,
    slot_ids,
    texts,
    tracker,
)

# ---------------------------------------------------------------- consent and starting


def test_booking_asks_consent_saying_what_why_who_and_how_long(kb_env):
    messages, slots, _ = run(ActionStartBooking(), tracker("ik wil een afspraak", "book_intake"))
    text = texts(messages)
    for words in ("naam", "telefoonnummer of e-mailadres", "ziekenfonds", "postcode",
                  "Alleen de coördinator", "een jaar", "wissen"):
        assert words in text
    assert payloads(messages) == ["/affirm", "/deny"]
    assert slots[STEP_SLOT] == "ask_consent"


def test_consent_yes_is_stored_and_starts_the_form(db):
    messages, slots, _ = run(ActionGiveConsent(), tracker("ja", "affirm"))
    assert slots[STEP_SLOT] == "start_form"
    with db() as session:
        assert has_consent(session, SENDER)


def test_consent_given_before_starts_the_form_at_once(db, consented):
    _, slots, _ = run(ActionStartBooking(), tracker("ik wil een afspraak", "book_intake"))
    assert slots[STEP_SLOT] == "start_form"


def test_no_consent_stores_nothing_and_still_gives_the_contact_route(db):
    messages, slots, _ = run(ActionConsentRefused(), tracker("nee", "deny"))
    assert "ziekenfonds" in texts(messages) and "terug-naar-werk-coördinator" in texts(messages)
    assert slots[STEP_SLOT] is None
    with db() as session:
        assert not has_consent(session, SENDER)


@pytest.mark.parametrize("text, entities, role", [
    ("ik wil een afspraak maken voor mijn werknemer", [], None),
    ("kan ik een intake boeken voor een werknemer van ons?", [], None),
    ("ik wil een afspraak", [], "employer"),
    ("afspraak maken", [{"entity": "role", "value": "employer"}], None),
])
def test_an_employer_is_told_the_employee_books_and_what_the_employer_can_do(kb_env, text, entities, role):
    messages, slots, _ = run(ActionStartBooking(), tracker(text, "book_intake", entities=entities,
                                                           slots={"role": role}))
    text_out = texts(messages)
    assert "vrijwillig" in text_out and "zelf" in text_out
    assert "arbeidsarts" in text_out and "BTOM" in text_out and "jobcoaching" in text_out
    assert all(len(p.encode()) <= 64 for p in payloads(messages))
    assert slots[STEP_SLOT] is None and slots["role"] == "employer"


def test_an_employer_asking_for_themself_gets_the_normal_flow(kb_env):
    _, slots, _ = run(ActionStartBooking(), tracker("ik wil een afspraak voor mezelf", "book_intake",
                                                     slots={"role": "employer"}))
    assert slots[STEP_SLOT] == "ask_consent"


@pytest.mark.parametrize("text", [
    "kan ik een afspraak maken voor mijn man?",
    "ik wil een intake boeken voor m'n mama, zij kan het zelf niet",
    "plan een gesprek voor haar",
])
def test_someone_close_is_told_kindly_that_the_person_concerned_books(kb_env, db, text):
    messages, slots, _ = run(ActionStartBooking(), tracker(text, "book_intake"))
    reply = texts(messages)
    assert "vrijwillig" in reply and "zelf" in reply and "naaste" in reply
    assert "toestemming" not in reply.lower() and "Ga je akkoord" not in reply  # no consent, no form
    assert slots[STEP_SLOT] is None
    assert any('"role":"participant"' in p.replace(" ", "") for p in payloads(messages))
    assert all(len(p.encode()) <= 64 for p in payloads(messages))


def test_for_myself_is_not_someone_else(kb_env, db):
    _, slots, _ = run(ActionStartBooking(),
                      tracker("ik wil een afspraak voor mezelf, mijn man rijdt mij", "book_intake"))
    assert slots[STEP_SLOT] == "ask_consent"


def test_a_number_in_the_booking_request_fills_the_contact_after_consent(db):
    events = [
        {"event": "user", "text": "bel mij terug op 0470 12 34 56 aub",
         "parse_data": {"intent": {"name": "book_intake"}}},
        {"event": "user", "text": "ja", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    messages, slots, _ = run(ActionGiveConsent(), tracker("ja", "affirm", events=events))
    assert slots[STEP_SLOT] == "start_form" and slots[CONTACT] == "+32470123456"
    assert "0470 12 34 56" in texts(messages)  # read back, so a wrong number can be corrected


def test_no_number_in_the_request_leaves_the_contact_to_the_form(db):
    events = [{"event": "user", "text": "ik wil een afspraak", "parse_data": {"intent": {"name": "book_intake"}}}]
    _, slots, _ = run(ActionGiveConsent(), tracker("ja", "affirm", events=events))
    assert CONTACT not in slots


def test_a_number_with_consent_given_before_is_filled_at_once(db, consented):
    _, slots, _ = run(ActionStartBooking(), tracker("kan iemand mij bellen op 0486 21 43 65", "book_intake"))
    assert slots[STEP_SLOT] == "start_form" and slots[CONTACT] == "+32486214365"


def test_a_call_me_message_in_the_form_answers_the_contact_question():
    assert extract_for_slot(CONTACT, "bel mij terug op 0470 12 34 56", "book_intake") == "0470 12 34 56"
    assert extract_for_slot(NAME, "bel mij terug op 0470 12 34 56", "book_intake") is None


# ---------------------------------------------------------------- helpers: finding values


@pytest.mark.parametrize("raw, expected", [
    ("0470 12 34 56", "+32470123456"),
    ("0470/12.34.56", "+32470123456"),
    ("+32 470 12 34 56", "+32470123456"),
    ("0032470123456", "+32470123456"),
    ("+32 (0)470 12 34 56", "+32470123456"),
    ("09 123 45 67", "+3291234567"),
    ("03/235.66.78", "+3232356678"),
    ("mijn gsm is 0468 23 45 67", "+32468234567"),
    ("bel mij op 0499-88-77-66 aub", "+32499887766"),
    ("+31 6 12345678", "+31612345678"),
    ("Sofie.Peeters@Telenet.BE", "Sofie.Peeters@telenet.be"),
    ("mijn mail is jan@voorbeeld.be.", "jan@voorbeeld.be"),
])
def test_contact_validator_accepts_phone_numbers_in_every_format_and_e_mail(raw, expected):
    assert validate_contact(extract_for_slot(CONTACT, raw, "inform")) == expected


@pytest.mark.parametrize("raw, message", [
    ("jan@", EMAIL_INVALID),
    ("jan@telenet", EMAIL_INVALID),
    ("0470 12 34", "Dat telefoonnummer klopt niet"),
    ("12345678901234567", "Dat telefoonnummer klopt niet"),
    ("dat geef ik liever niet", CONTACT_MISSING),
    ("'; DROP TABLE intakes;--", CONTACT_MISSING),
])
def test_contact_validator_re_asks_in_dutch(raw, message):
    with pytest.raises(ValidationError) as info:
        validate_contact(extract_for_slot(CONTACT, raw, "inform"))
    assert info.value.message.startswith(message)


@pytest.mark.parametrize("raw, expected", [
    ("Jan Peeters", "Jan Peeters"),
    ("mijn naam is Kristel Van den Broeck", "Kristel Van den Broeck"),
    ("ik heet Ahmed El Amrani", "Ahmed El Amrani"),
    ("Jan 😊", "Jan"),
    ("Anne-Marie O'Brien", "Anne-Marie O'Brien"),
    ("Zoë Müller", "Zoë Müller"),
])
def test_name_validator_accepts_real_names(raw, expected):
    assert validate_name(extract_for_slot(NAME, raw, "inform")) == expected


@pytest.mark.parametrize("raw, message", [
    ("J" * 500, NAME_TOO_LONG),
    ("😊😊😊", "Dat lijkt geen naam"),
    ("<script>alert(1)</script>", NAME_BAD_CHARACTERS),
    ("Robert'); DROP TABLE intakes;--", NAME_BAD_CHARACTERS),
    ("<b>Jan</b>", NAME_BAD_CHARACTERS),
    ("Jan123", NAME_BAD_CHARACTERS),
])
def test_name_validator_refuses_bad_input_with_a_dutch_reason(raw, message):
    with pytest.raises(ValidationError) as info:
        validate_name(raw)
    assert info.value.message.startswith(message)


@pytest.mark.parametrize("raw, expected", [
    ("9000", "9000"), ("2800 Mechelen", "2800"), ("ik woon in 3290 Diest", "3290"),
    ("B-9000", "9000"), ("BE 8500", "8500"), ("postcode 2300", "2300"),
])
def test_postcode_validator_accepts_belgian_postcodes(raw, expected):
    assert validate_postcode(extract_for_slot(POSTCODE, raw, "inform")) == expected


@pytest.mark.parametrize("raw", ["75001 Parijs", "NL-1012", "0999", "Gent", "12", "1234567"])
def test_postcode_validator_refuses_postcodes_outside_belgium(raw):
    with pytest.raises(ValidationError) as info:
        validate_postcode(extract_for_slot(POSTCODE, raw, "inform"))
    assert info.value.message == POSTCODE_NOT_BELGIAN


@pytest.mark.parametrize("raw, expected", [
    ("CM", "CM"), ("ik zit bij de CM", "CM"), ("de christelijke mutualiteit", "CM"),
    ("Partena", "Helan"), ("vnz", "Vlaams & Neutraal Ziekenfonds"), ("bij helan", "Helan"),
    ("Kas der geneeskundige verzorging van HR Rail", "Kas der geneeskundige verzorging van HR Rail"),
    ("Ik weet het niet", UNKNOWN_MUTUALITEIT),
])
def test_mutualiteit_validator(raw, expected):
    assert validate_mutualiteit(extract_for_slot(MUTUALITEIT, raw, "inform")) == expected


def test_mutualiteit_validator_refuses_unknown_funds():
    with pytest.raises(ValidationError) as info:
        validate_mutualiteit("De Verzekering NV")
    assert info.value.message == MUTUALITEIT_UNKNOWN


def test_mutualiteit_buttons_come_from_the_list_and_fit_telegram():
    buttons = mutualiteit_buttons()
    assert [b["payload"] for b in buttons[:-1]] == list(MUTUALITEITEN)
    assert all(len(b["payload"].encode()) <= 64 for b in buttons)
    assert all(validate_mutualiteit(b["payload"]) for b in buttons)


def test_topic_validator():
    assert validate_topic("  <b>Mijn rug</b>   en halftijds werken ") == "<b>Mijn rug</b> en halftijds werken"
    with pytest.raises(ValidationError):
        validate_topic("x" * 500)
    with pytest.raises(ValidationError):
        validate_topic(" ")


def test_questions_and_other_requests_are_not_taken_as_answers():
    assert extract_for_slot(NAME, "wat is BTOM?", "ask_measure") is None
    assert extract_for_slot(NAME, "Jan Peeters", "ask_measure") == "Jan Peeters"  # misclassified name
    assert extract_for_slot(NAME, "hallo", "greet") is None
    assert extract_for_slot(NAME, "stop", "stop") is None
    assert extract_for_slot(NAME, "ik ben werkgever", "inform",
                              [{"entity": "role", "value": "employer"}]) is None
    assert extract_for_slot(CONTACT, "wie betaalt jobcoaching?", "ask_eligibility") is None
    assert extract_for_slot(CONTACT, "0470 12 34 56", "ask_measure") == "0470 12 34 56"
    assert extract_for_slot(POSTCODE, "9000", "ask_financial_impact") == "9000"
    assert extract_for_slot(TOPIC, "kom ik in aanmerking voor BTOM?", "ask_eligibility") \
        == "kom ik in aanmerking voor BTOM?"
    assert extract_for_slot(TOPIC, "wis mijn gegevens", "privacy_delete_data") is None


def test_corrections_are_recognised_only_for_fields_answered_before():
    filled = {NAME: "Jan", CONTACT: "+32470123456", MUTUALITEIT: None}
    assert find_correction("mijn nummer is eigenlijk 0499 11 22 33", MUTUALITEIT, filled) \
        == (CONTACT, "0499 11 22 33")
    assert find_correction("sorry, mijn naam is eigenlijk Jan Peters", MUTUALITEIT, filled) \
        == (NAME, "Jan Peters")
    assert find_correction("mijn postcode is eigenlijk 9000", MUTUALITEIT, filled) is None  # not given yet
    assert find_correction("0499 11 22 33", MUTUALITEIT, filled) is None  # no correction cue


# ---------------------------------------------------------------- the form validation action


def form_tracker(text, intent="inform", requested=NAME, filled=None, entities=(), latest="action_listen"):
    slots = {s: None for s in FORM_SLOTS}
    slots.update(filled or {})
    slots["requested_slot"] = requested
    # The events as Rasa's form hands them to its validation action: the user's message, any
    # action that already handled it, then the form's own action last.
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text}]
    if latest != "action_listen":
        events += [{"event": "action", "name": latest}, {"event": "bot", "text": "..."}]
    events += [{"event": "slot", "name": "requested_slot", "value": requested},
               {"event": "action", "name": FORM_NAME}]
    return tracker(text, intent, entities=entities, slots=slots, active_loop=FORM_NAME,
                   latest_action=FORM_NAME, events=events)


def test_form_fills_the_asked_slot_and_asks_the_next(domain):
    messages, slots, _ = run(ValidateIntakeForm(), form_tracker("mijn naam is Jan Peeters"), domain)
    assert slots == {NAME: "Jan Peeters"}
    assert messages == []


def test_form_re_asks_with_the_reason_when_the_answer_is_wrong(domain):
    messages, slots, _ = run(ValidateIntakeForm(), form_tracker("jan@", requested=CONTACT,
                                                                filled={NAME: "Jan"}), domain)
    assert slots == {CONTACT: None}
    assert texts(messages) == EMAIL_INVALID


def test_form_lets_a_question_through_so_the_rules_answer_it(domain):
    messages, slots, events = run(ValidateIntakeForm(), form_tracker(
        "wat is BTOM?", "ask_measure", entities=[{"entity": "measure", "value": "btom"}]), domain)
    assert events == [] and messages == []  # nothing extracted: Rasa rejects the form


def test_form_does_not_extract_again_when_coming_back_after_a_question(domain):
    _, _, events = run(ValidateIntakeForm(), form_tracker("Jan", latest="action_answer_kb"), domain)
    assert events == []


def test_a_new_answer_is_recognised_in_the_tracker_rasa_sends():
    fresh = form_tracker("Jan Peeters").events
    assert is_new_answer(fresh)
    assert not is_new_answer(form_tracker("Jan Peeters", latest="action_answer_kb").events)
    # right after consent the form asks its first question: "/affirm" is not a name
    assert not is_new_answer([{"event": "user", "text": "/affirm"},
                                {"event": "action", "name": "action_give_consent"},
                                {"event": "action", "name": FORM_NAME}])


def test_form_takes_a_correction_and_asks_its_question_again(domain):
    filled = {NAME: "Jan Peeters", CONTACT: "+32470123456"}
    messages, slots, _ = run(ValidateIntakeForm(), form_tracker(
        "mijn nummer is eigenlijk 0499 11 22 33", requested=MUTUALITEIT, filled=filled), domain)
    assert slots == {CONTACT: "+32499112233"}
    assert "aangepast" in texts(messages) and "0499 11 22 33" in texts(messages)


def test_form_keeps_the_old_value_when_a_correction_is_invalid(domain):
    filled = {NAME: "Jan Peeters", CONTACT: "+32470123456"}
    messages, slots, _ = run(ValidateIntakeForm(), form_tracker(
        "mijn e-mail is eigenlijk jan@", requested=MUTUALITEIT, filled=filled), domain)
    assert slots == {CONTACT: "+32470123456"}
    assert EMAIL_INVALID in texts(messages)


def test_ask_mutualiteit_has_a_button_per_fund():
    messages, _, _ = run(ActionAskMutualiteit(), tracker())
    assert messages[0]["text"] == QUESTIONS[MUTUALITEIT]
    assert len(messages[0]["buttons"]) == len(MUTUALITEITEN) + 1


def test_stop_during_the_form_ends_it_and_forgets_the_answers(kb_env):
    t = form_tracker("stop", "stop", requested=CONTACT, filled={NAME: "Jan"})
    messages, slots, events = run(ActionStopBooking(), t)
    assert texts(messages) == FORM_STOPPED
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert all(slots[s] is None for s in FORM_SLOTS) and slots["requested_slot"] is None


def test_stop_outside_the_form_just_acknowledges(kb_env):
    messages, slots, events = run(ActionStopBooking(), tracker("stop", "stop"))
    assert texts(messages) == STOP_ACK


# ---------------------------------------------------------------- offering moments and booking


def test_free_moments_are_offered_as_buttons_spread_over_days(slots):
    messages, step, _ = run(ActionOfferSlots(), tracker(slots=FORM_VALUES))
    offered = slot_ids(messages)
    assert 3 <= len([i for i in offered if i != NONE_FITS]) <= 5
    assert offered[-1] == NONE_FITS
    numbers = [int(i) for i in offered[:-1]]
    assert {slots[0], slots[2], slots[4]} <= set(numbers)  # every day is offered
    assert numbers == sorted(numbers)  # in time order
    assert all(len(p.encode()) <= 64 for p in payloads(messages))


def test_no_free_moments_gives_the_contact_route_and_stores_nothing(coordinator, db):
    messages, slots, _ = run(ActionOfferSlots(), tracker(slots=FORM_VALUES))
    text = texts(messages)
    assert NO_SLOTS in text and "Demo An Voorbeeld" in text and "09 123 45 67" in text
    assert all(slots[s] is None for s in FORM_SLOTS)


def test_booking_succeeds_with_a_full_confirmation(db, slots, consented):
    messages, slot_values, _ = book(slots[0])
    text = texts(messages)
    assert "Je afspraak staat vast" in text and "Demo An Voorbeeld" in text
    assert "(Belgische tijd)" in text and " om " in text
    assert "identiteitskaart" in text and "attest" in text and "arbeidsarts" in text
    assert "mijn afspraak" in text and "0470 12 34 56" in text
    assert all(slot_values[s] is None for s in FORM_SLOTS)
    with db() as session:
        [view] = upcoming_intakes(session, SENDER)
        assert view.slot_id == slots[0] and view.participant_name == "Jan Peeters"
        assert view.province == "oost-vlaanderen" and view.topic == FORM_VALUES[TOPIC]


def test_booking_with_an_e_mail_address_and_unknown_fund(db, slots, consented):
    values = {**FORM_VALUES, CONTACT: "jan@voorbeeld.be", MUTUALITEIT: UNKNOWN_MUTUALITEIT}
    messages, _, _ = book(slots[1], slots_values=values)
    assert "via jan@voorbeeld.be" in texts(messages)
    with db() as session:
        [view] = upcoming_intakes(session, SENDER)
        assert view.email == "jan@voorbeeld.be" and view.phone is None and view.mutualiteit is None


def test_a_moment_taken_meanwhile_gives_fresh_alternatives(db, slots, consented):
    with db() as session:
        give_consent(session, OTHER)
    book(slots[0], sender=OTHER)
    messages, slot_values, _ = book(slots[0])
    assert texts(messages).startswith("Dat moment is net ingenomen")
    offered = slot_ids(messages)
    assert str(slots[0]) not in offered and str(slots[1]) in offered
    assert slot_values == {}  # the answers stay, so an alternative can be booked at once
    messages, _, _ = book(slots[1])
    assert "Je afspraak staat vast" in texts(messages)


def test_the_same_button_pressed_twice_books_once(db, slots, consented):
    book(slots[0])
    messages, _, _ = book(slots[0], slots_values={})  # the answers were cleared after booking
    assert ALREADY_YOURS in texts(messages)
    messages, _, _ = book(slots[0])  # or still there (a second device)
    assert ALREADY_YOURS in texts(messages)
    with db() as session:
        assert session.query(Intake).count() == 1


def test_another_moment_pressed_after_booking_shows_the_existing_appointment(db, slots, consented):
    book(slots[0])
    messages, _, _ = book(slots[2], slots_values={})
    assert "Je hebt al een afspraak" in texts(messages)
    assert payloads(messages) == ["/reschedule_appointment", "/cancel_appointment"]


def test_an_old_button_without_answers_or_appointment_is_explained(slots, consented):
    messages, _, _ = book(slots[0], slots_values={})
    assert texts(messages) == BUTTON_EXPIRED and payloads(messages) == ["/book_intake"]


def test_the_last_moment_taken_without_alternatives_gives_the_contact_route(db, coordinator, consented):
    start = datetime.now(UTC) + timedelta(days=2)
    with db() as session:
        slot = Slot(coordinator_id=coordinator, starts_at=start, ends_at=start + timedelta(minutes=45))
        session.add(slot)
        session.commit()
        slot_id = slot.id
        give_consent(session, OTHER)
    book(slot_id, sender=OTHER)
    messages, slot_values, _ = book(slot_id)
    text = texts(messages)
    assert SLOT_TAKEN_NO_ALTERNATIVES in text and "Ik heb niets van je gegevens bewaard" in text
    assert "terug-naar-werk-coördinator" in text
    assert all(slot_values[s] is None for s in FORM_SLOTS)


def test_none_fits_gives_the_contact_route(slots):
    messages, slot_values, _ = book(NONE_FITS)
    assert "contacteren" in texts(messages)
    assert all(slot_values[s] is None for s in FORM_SLOTS)


def test_a_forged_slot_id_is_refused_kindly(slots, consented):
    messages, _, _ = book("1; DROP TABLE slots")
    assert texts(messages) == "Dat begrijp ik niet. Kies een van de knoppen."
    messages, _, _ = book(999999)
    assert texts(messages).startswith("Dat moment kan niet meer")


def test_booking_without_consent_stores_nothing(db, slots):
    messages, _, _ = book(slots[0])
    assert "toestemming" in texts(messages)
    with db() as session:
        assert session.query(Intake).count() == 0


def test_spread_over_days_keeps_time_order():
    assert spread_over_days([]) == []


# ---------------------------------------------------------------- my appointment, cancel, reschedule


def test_my_appointment_without_one_offers_to_book(kb_env):
    messages, _, _ = run(ActionMyAppointment(), tracker("mijn afspraak", "my_appointment"))
    assert texts(messages) == NO_APPOINTMENT and payloads(messages) == ["/book_intake"]


def test_my_appointment_shows_it_with_change_buttons(slots, consented):
    book(slots[0])
    messages, _, _ = run(ActionMyAppointment(), tracker("mijn afspraak", "my_appointment"))
    assert "Demo An Voorbeeld" in texts(messages)
    assert payloads(messages) == ["/reschedule_appointment", "/cancel_appointment"]


def test_booking_again_with_an_appointment_shows_it(slots, consented):
    book(slots[0])
    messages, slots_out, _ = run(ActionStartBooking(), tracker("ik wil een afspraak", "book_intake"))
    assert "Je hebt al een afspraak" in texts(messages) and slots_out[STEP_SLOT] is None


def test_cancel_asks_first_then_cancels(db, slots, consented):
    book(slots[0])
    messages, step, _ = run(ActionAskCancel(), tracker("annuleer mijn afspraak", "cancel_appointment"))
    assert "annuleren?" in texts(messages) and payloads(messages) == ["/affirm", "/deny"]
    assert step[STEP_SLOT] == "confirm_cancel"
    messages, step, _ = run(ActionCancelAppointment(), tracker("ja", "affirm", slots=step))
    assert "geannuleerd" in texts(messages) and step[STEP_SLOT] is None
    with db() as session:
        assert upcoming_intakes(session, SENDER) == []


def test_cancel_declined_keeps_the_appointment(db, slots, consented):
    book(slots[0])
    messages, step, _ = run(ActionConfirmationDeclined(), tracker("nee", "deny", slots={STEP_SLOT: "confirm_cancel"}))
    assert texts(messages) == CANCEL_KEPT and step[STEP_SLOT] is None
    with db() as session:
        assert len(upcoming_intakes(session, SENDER)) == 1


def test_cancel_without_appointment(kb_env):
    messages, step, _ = run(ActionAskCancel(), tracker("annuleer", "cancel_appointment"))
    assert texts(messages) == NO_APPOINTMENT and step[STEP_SLOT] is None


def test_reschedule_offers_other_moments_and_moves_the_appointment(db, slots, consented):
    book(slots[0])
    messages, state, _ = run(ActionOfferReschedule(), tracker("verplaats", "reschedule_appointment"))
    offered = slot_ids(messages)
    assert str(slots[0]) not in offered and offered[-1] == NONE_FITS
    intake_id = state[RESCHEDULE_SLOT]
    messages, state, _ = run(ActionChooseSlot(), tracker(
        "", "inform", entities=[{"entity": "slot_id", "value": str(slots[3])}],
        slots={RESCHEDULE_SLOT: intake_id}))
    assert "Je afspraak is verplaatst" in texts(messages) and state[RESCHEDULE_SLOT] is None
    with db() as session:
        [view] = upcoming_intakes(session, SENDER)
        assert view.slot_id == slots[3]


def test_reschedule_can_be_called_off(slots, consented):
    book(slots[0])
    _, state, _ = run(ActionOfferReschedule(), tracker("verplaats", "reschedule_appointment"))
    messages, state, _ = run(ActionChooseSlot(), tracker(
        "", "inform", entities=[{"entity": "slot_id", "value": NONE_FITS}], slots=state))
    assert texts(messages) == CANCEL_KEPT and state[RESCHEDULE_SLOT] is None


def test_reschedule_without_other_moments_keeps_the_appointment(db, coordinator, consented):
    start = datetime.now(UTC) + timedelta(days=2)
    with db() as session:
        slot = Slot(coordinator_id=coordinator, starts_at=start, ends_at=start + timedelta(minutes=45))
        session.add(slot)
        session.commit()
        slot_id = slot.id
    book(slot_id)
    messages, state, _ = run(ActionOfferReschedule(), tracker("verplaats", "reschedule_appointment"))
    assert "blijft staan" in texts(messages) and state[RESCHEDULE_SLOT] is None


def test_the_database_being_down_gets_an_apology_and_the_contact_route(monkeypatch, kb_env):
    from sqlalchemy.exc import OperationalError

    import actions.booking_storage as booking

    def broken():
        raise OperationalError("select", {}, Exception("down"))

    monkeypatch.setattr(booking, "default_session_factory", lambda: broken)
    messages, slots, _ = run(ActionStartBooking(), tracker("ik wil een afspraak", "book_intake"))
    assert "Er is niets bewaard" in texts(messages) and "ziekenfonds" in texts(messages)
    assert slots[STEP_SLOT] is None
