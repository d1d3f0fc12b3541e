from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.booking import book_intake, cancel_intake, free_slots, upcoming_intakes
from intake.errors import ValidationError
from intake.models import Consent, Intake, OutboxMessage
from intake.outbox import mark_sent
from intake.privacy import (
    CONSENT_VERSION,
    delete_personal_data,
    export_personal_data,
    give_consent,
    has_consent,
    summary_nl,
)


def test_consent_is_idempotent_and_versioned(session, now):
    a = give_consent(session, "telegram-c", now=now)
    b = give_consent(session, "telegram-c", now=now)
    assert a.id == b.id and a.text_version == CONSENT_VERSION
    assert has_consent(session, "telegram-c")
    assert has_consent(session, "telegram-c", version=CONSENT_VERSION)
    assert not has_consent(session, "telegram-c", version="old")
    assert not has_consent(session, "telegram-other")


def _two_intakes(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session, chat_id=10)
    past = make_slot(session, c, now + timedelta(days=1))
    future = make_slot(session, c, now + timedelta(days=20))
    sender = consenting(session, "telegram-me")
    first = book_intake(session, sender_id=sender, slot_id=past.id, **booking())
    # The first one took place ("now" moves on); its notification was delivered.
    later = now + timedelta(days=2)
    for m in session.scalars(sa.select(OutboxMessage)).all():
        mark_sent(session, m.id, now=later)
    second = book_intake(session, sender_id=sender, slot_id=future.id,
                         **booking(now=later, phone=None, email="jan@example.be"))
    other = consenting(session, "telegram-other")
    third = book_intake(session, sender_id=other, slot_id=make_slot(session, c, now + timedelta(days=3)).id,
                        **booking(name="Els Andere"))
    return sender, first, second, third, future, later


def test_export_contains_everything_stored(session, make_coordinator, make_slot, consenting, booking, now):
    sender, first, second, third, _, _ = _two_intakes(session, make_coordinator, make_slot,
                                                       consenting, booking, now)
    data = export_personal_data(session, sender)
    json.dumps(data)  # serialisable
    assert [i["id"] for i in data["intakes"]] == [first.id, second.id]
    assert data["intakes"][0]["phone"] == "+32470123456"
    assert data["intakes"][1]["email"] == "jan@example.be"
    assert data["consents"][0]["purpose"] == "intake"
    assert len(data["coordinator_messages"]) == 2
    assert "Els Andere" not in json.dumps(data)  # nothing about someone else
    text = summary_nl(data)
    assert "Jan Peeters" in text and "jan@example.be" in text
    assert summary_nl(export_personal_data(session, "telegram-nobody")).startswith(
        "Ik heb geen afspraak en geen toestemming van je bewaard.\nOok ons gesprek wordt bewaard")


def test_delete_personal_data(session, make_coordinator, make_slot, consenting, booking, now):
    sender, first, second, third, future, later = _two_intakes(session, make_coordinator, make_slot,
                                                               consenting, booking, now)
    summary = delete_personal_data(session, sender, now=later)
    assert summary == {"intakes_anonymised": 2, "intakes_cancelled": 1, "messages_deleted": 1,
                       "messages_scrubbed": 1, "consents_deleted": 1, "questions_deleted": 0,
                       "conversation_erasure": 1}
    session.expire_all()
    # The erasure of the conversation is recorded in the same transaction.
    from intake.models import PendingErasure
    assert session.scalars(sa.select(PendingErasure.sender_id)).all() == [sender]
    for intake_id in (first.id, second.id):
        row = session.get(Intake, intake_id)
        assert (row.sender_id, row.participant_name, row.phone, row.email, row.postcode, row.topic) == \
            (None, None, None, None, None, None)
        assert row.mutualiteit == "CM" and row.province == "oost-vlaanderen"  # statistics stay
    assert session.get(Intake, first.id).status == "booked"  # past: status kept as it was
    assert session.get(Intake, second.id).status == "cancelled"  # upcoming: cancelled, slot freed
    assert future.id in [o.slot_id for o in free_slots(session, now=later, limit=10)]
    assert session.scalars(sa.select(Consent).where(Consent.sender_id == sender)).all() == []
    everything = " ".join(session.scalars(sa.select(OutboxMessage.payload)).all())
    assert "jan@example.be" not in everything and "0470 12 34 56" in everything  # Els's message
    notice = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.intake_id == second.id)).one()
    assert "liet zijn gegevens wissen" in notice.payload and notice.sent_at is None
    assert "Jan" not in notice.payload
    data = export_personal_data(session, sender)
    assert data["intakes"] == [] and data["consents"] == []
    # The other person's data is untouched.
    assert session.get(Intake, third.id).participant_name == "Els Andere"
    assert has_consent(session, "telegram-other")
    # Anonymised rows cannot be reached through a missing sender id.
    with pytest.raises(ValidationError):
        upcoming_intakes(session, None, now=now)
    with pytest.raises(ValidationError):
        cancel_intake(session, None, first.id, now=now)
    # Deleting again is harmless.
    assert delete_personal_data(session, sender, now=later)["intakes_anonymised"] == 0


def test_purge_old_data(session, make_coordinator, make_slot, consenting, booking, now):
    from intake.privacy import purge_old_data, withdraw_consent

    c = make_coordinator(session, chat_id=10)
    old_slot = make_slot(session, c, now + timedelta(days=1))
    sender = consenting(session, "telegram-old")
    old = book_intake(session, sender_id=sender, slot_id=old_slot.id, **booking())
    withdraw_consent(session, sender, now=now + timedelta(days=2))
    a_year_later = now + timedelta(days=366)
    recent_slot = make_slot(session, c, a_year_later + timedelta(days=1))
    newer = consenting(session, "telegram-new")
    recent = book_intake(session, sender_id=newer, slot_id=recent_slot.id,
                         **booking(now=a_year_later, name="Nieuw"))
    result = purge_old_data(session, now=a_year_later + timedelta(days=5), keep_days=365)
    assert result == {"intakes_anonymised": 1, "messages_deleted": 1, "consents_deleted": 1}
    session.expire_all()
    assert session.get(Intake, old.id).participant_name is None
    assert session.get(Intake, old.id).mutualiteit == "CM"
    assert session.get(Intake, recent.id).participant_name == "Nieuw"
    assert [m.intake_id for m in session.scalars(sa.select(OutboxMessage))] == [recent.id]
    assert has_consent(session, newer)
    assert purge_old_data(session, now=a_year_later + timedelta(days=5))["intakes_anonymised"] == 0
