from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake import booking as booking_module
from intake import outbox
from intake.booking import (
    book_intake,
    cancel_intake,
    contact_route,
    free_slots,
    reschedule_intake,
    upcoming_intakes,
)
from intake.errors import (
    AlreadyBooked,
    ConsentMissing,
    IntakeNotChangeable,
    IntakeNotFound,
    SlotTaken,
    SlotUnavailable,
    ValidationError,
)
from intake.models import Intake, OutboxMessage
from intake.privacy import withdraw_consent


def _counts(session):
    return (session.scalar(sa.select(sa.func.count()).select_from(Intake)),
            session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)))


@pytest.fixture
def setup(session, make_coordinator, make_slot, now):
    c = make_coordinator(session, mutualiteit="CM", provinces=["oost-vlaanderen"], chat_id=111,
                         name="Demo An")
    slots = [make_slot(session, c, now + timedelta(days=1, hours=h)) for h in range(4)]
    return c, slots


def test_happy_path(session, setup, consenting, booking, now):
    coordinator, slots = setup
    sender = consenting(session)
    view = book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking())
    assert view.status == "booked"
    assert (view.participant_name, view.phone, view.mutualiteit) == ("Jan Peeters", "+32470123456", "CM")
    assert (view.postcode, view.province, view.region) == ("9000", "oost-vlaanderen", "vlaanderen")
    assert view.when == "dinsdag 24 november om 09:00"  # 08:00 UTC = 09:00 in Brussels
    stored = session.get(Intake, view.id)
    assert stored.sender_id == sender and stored.slot_id == slots[0].id
    assert stored.created_at.tzinfo is not None  # aware after the round trip through SQLite
    [message] = session.scalars(sa.select(OutboxMessage)).all()
    assert (message.kind, message.coordinator_id, message.intake_id) == ("new", coordinator.id, view.id)
    assert "Nieuwe intake" in message.payload and "dinsdag 24 november om 09:00" in message.payload
    assert "0470 12 34 56" in message.payload and "Oost-Vlaanderen" in message.payload
    assert [i.id for i in upcoming_intakes(session, sender, now=now)] == [view.id]
    assert slots[0].id not in [o.slot_id for o in free_slots(session, mutualiteit="CM", now=now)]


def test_hostile_input_is_stored_as_plain_text(session, setup, consenting, booking):
    _, slots = setup
    sender = consenting(session)
    topic = "'); DROP TABLE intakes;-- <script>alert(1)</script> 😊 " + "x" * 500
    view = book_intake(session, sender_id=sender, slot_id=slots[0].id,
                       **booking(name="Robert'); DROP TABLE intakes;--", topic=topic, phone=None,
                                 email=" Bobby@Tables.BE "))
    stored = session.get(Intake, view.id)
    assert stored.participant_name == "Robert'); DROP TABLE intakes"
    assert stored.topic.startswith("'); DROP TABLE intakes;-- <script>alert(1)</script> 😊 xxx")
    assert len(stored.topic) == 300
    assert stored.email == "Bobby@tables.be" and stored.phone is None
    assert _counts(session) == (1, 1)  # the table is still there


@pytest.mark.parametrize(
    "overrides",
    [{"phone": "12"}, {"phone": None, "email": None}, {"email": "jan@", "phone": None},
     {"name": "😊"}, {"postcode": "75001"}, {"postcode": "NL-1234"}, {"role": "astronaut"}],
)
def test_invalid_input_stores_nothing(session, setup, consenting, booking, overrides):
    _, slots = setup
    sender = consenting(session)
    with pytest.raises(ValidationError):
        book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking(**overrides))
    assert _counts(session) == (0, 0)


def test_consent_required(session, setup, consenting, booking, now):
    _, slots = setup
    with pytest.raises(ConsentMissing):
        book_intake(session, sender_id="telegram-noconsent", slot_id=slots[0].id, **booking())
    sender = consenting(session, "telegram-withdrawn")
    withdraw_consent(session, sender, now=now)
    with pytest.raises(ConsentMissing):
        book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking())
    assert _counts(session) == (0, 0)


def test_failure_after_insert_rolls_back_everything(session, setup, consenting, booking, monkeypatch):
    _, slots = setup
    sender = consenting(session)

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(RuntimeError):
        book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking())
    assert _counts(session) == (0, 0)


def test_slot_taken_gives_alternatives(session, setup, consenting, booking):
    _, slots = setup
    first = consenting(session, "telegram-first")
    second = consenting(session, "telegram-second")
    book_intake(session, sender_id=first, slot_id=slots[0].id, **booking())
    with pytest.raises(SlotTaken) as exc:
        book_intake(session, sender_id=second, slot_id=slots[0].id, **booking(name="Els"))
    assert [o.slot_id for o in exc.value.alternatives] == [s.id for s in slots[1:]]
    assert "net door iemand anders geboekt" in exc.value.message
    assert _counts(session) == (1, 1)


def test_unavailable_slots(session, setup, consenting, booking, make_slot, now):
    coordinator, slots = setup
    sender = consenting(session)
    soon = make_slot(session, coordinator, now + timedelta(minutes=30))
    for slot_id in (soon.id, 999_999):
        with pytest.raises(SlotUnavailable) as exc:
            book_intake(session, sender_id=sender, slot_id=slot_id, **booking())
        assert not isinstance(exc.value, SlotTaken)
        assert exc.value.alternatives
    assert _counts(session) == (0, 0)


def test_one_upcoming_intake_per_person(session, setup, consenting, booking):
    _, slots = setup
    sender = consenting(session)
    first = book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking())
    with pytest.raises(AlreadyBooked) as exc:
        book_intake(session, sender_id=sender, slot_id=slots[1].id, **booking())
    assert exc.value.existing.id == first.id
    assert _counts(session) == (1, 1)


def test_cancel_frees_the_slot(session, setup, consenting, booking, now):
    coordinator, slots = setup
    alice = consenting(session, "telegram-alice")
    bob = consenting(session, "telegram-bob")
    view = book_intake(session, sender_id=alice, slot_id=slots[0].id, **booking())
    with pytest.raises(IntakeNotFound):
        cancel_intake(session, bob, view.id, now=now)  # not Bob's
    cancelled = cancel_intake(session, alice, view.id, now=now)
    assert cancelled.status == "cancelled"
    with pytest.raises(IntakeNotChangeable):
        cancel_intake(session, alice, view.id, now=now)  # twice
    assert upcoming_intakes(session, alice, now=now) == []
    kinds = session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["new", "cancelled"]
    text = session.scalars(sa.select(OutboxMessage.payload).where(OutboxMessage.kind == "cancelled")).one()
    assert "gaat niet door" in text and "dinsdag 24 november om 09:00" in text
    # The slot is free again: offered and bookable by someone else.
    assert slots[0].id in [o.slot_id for o in free_slots(session, mutualiteit="CM", now=now)]
    again = book_intake(session, sender_id=bob, slot_id=slots[0].id, **booking(name="Bob"))
    assert again.status == "booked"


def test_cannot_cancel_past_intake(session, setup, consenting, booking, now):
    _, slots = setup
    sender = consenting(session)
    view = book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking())
    with pytest.raises(IntakeNotChangeable):
        cancel_intake(session, sender, view.id, now=now + timedelta(days=2))


def test_reschedule(session, setup, make_coordinator, make_slot, consenting, booking, now):
    coordinator, slots = setup
    colleague = make_coordinator(session, mutualiteit="CM", provinces=["antwerpen"], chat_id=222)
    elsewhere = make_slot(session, colleague, now + timedelta(days=5))
    sender = consenting(session)
    old = book_intake(session, sender_id=sender, slot_id=slots[0].id, **booking())
    held = session.get(Intake, old.id)  # an ORM object held across the call stays in sync
    new = reschedule_intake(session, sender, old.id, slots[2].id, now=now)
    assert held.status == "cancelled"
    assert new.id != old.id and new.slot_id == slots[2].id and new.status == "booked"
    assert new.participant_name == "Jan Peeters" and new.topic == old.topic
    assert session.get(Intake, old.id).status == "cancelled"
    assert [i.id for i in upcoming_intakes(session, sender, now=now)] == [new.id]
    message = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "rescheduled")).one()
    assert "Van: dinsdag 24 november om 09:00" in message.payload
    assert "Naar: dinsdag 24 november om 11:00" in message.payload
    assert slots[0].id in [o.slot_id for o in free_slots(session, mutualiteit="CM", now=now)]
    # Moving to a colleague also tells the old coordinator.
    moved = reschedule_intake(session, sender, new.id, elsewhere.id, now=now)
    messages = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.coordinator_id) for m in messages[-2:]] == [
        ("rescheduled", colleague.id), ("cancelled", coordinator.id)]
    assert moved.coordinator_id == colleague.id


def test_reschedule_to_taken_slot_keeps_old_booking(session, setup, consenting, booking, now):
    _, slots = setup
    alice = consenting(session, "telegram-alice")
    bob = consenting(session, "telegram-bob")
    mine = book_intake(session, sender_id=alice, slot_id=slots[0].id, **booking())
    book_intake(session, sender_id=bob, slot_id=slots[1].id, **booking(name="Bob"))
    before = _counts(session)
    with pytest.raises(SlotTaken) as exc:
        reschedule_intake(session, alice, mine.id, slots[1].id, now=now)
    assert slots[1].id not in [o.slot_id for o in exc.value.alternatives]
    assert exc.value.alternatives
    assert _counts(session) == before
    assert session.get(Intake, mine.id).status == "booked"
    with pytest.raises(SlotUnavailable):
        reschedule_intake(session, alice, mine.id, slots[0].id, now=now)  # same slot
    with pytest.raises(IntakeNotFound):
        reschedule_intake(session, bob, mine.id, slots[2].id, now=now)
    assert session.get(Intake, mine.id).status == "booked"


def test_no_free_slots_gives_contact_route(session, make_coordinator, now):
    make_coordinator(session, mutualiteit="Helan", phone="09 123 45 67")
    assert free_slots(session, mutualiteit="Helan", now=now) == []
    text = contact_route(session, "helan")
    assert "Bel of mail je ziekenfonds (Helan)" in text
    assert "terug-naar-werk-coördinator" in text and "09 123 45 67" in text
    generic = contact_route(session, None)
    assert generic.startswith("Bel of mail je ziekenfonds en vraag naar de terug-naar-werk-coördinator")


def test_notice_constant_is_respected(session, setup, consenting, booking, make_slot, now):
    coordinator, _ = setup
    edge = make_slot(session, coordinator, now + booking_module.BOOKING_NOTICE)
    assert edge.id in [o.slot_id for o in free_slots(session, now=now, limit=10)]
    sender = consenting(session)
    assert book_intake(session, sender_id=sender, slot_id=edge.id, **booking()).status == "booked"


def test_ids_from_buttons(session, setup, consenting, booking, now):
    _, slots = setup
    sender = consenting(session)
    view = book_intake(session, sender_id=sender, slot_id=f" {slots[0].id} ", **booking())
    assert view.slot_id == slots[0].id
    for bad in ("abc", "", None, "-1", "0", "99999999999999999999", True):
        with pytest.raises(ValidationError):
            cancel_intake(session, sender, bad, now=now)
    assert cancel_intake(session, sender, str(view.id), now=now).status == "cancelled"


def test_agenda_text(session, setup, consenting, booking, now):
    from intake.views import agenda_nl

    _, slots = setup
    view = book_intake(session, sender_id=consenting(session), slot_id=slots[1].id, **booking())
    assert agenda_nl([view]) == f"• di 24/11 10:00 — #{view.id} Jan Peeters (9000)"
    assert agenda_nl([]) == "Er staan geen intakes gepland."
