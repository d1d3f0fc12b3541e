from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from intake.booking import book_intake, free_slots
from intake.coordinators import (
    add_schedule,
    coordinator_intakes,
    deactivate_coordinator,
    generate_slots,
    get_intake_for_coordinator,
    is_coordinator,
    list_coordinators,
    mark_intake,
    set_telegram_chat_id,
)
from intake.errors import (
    CoordinatorNotFound,
    IntakeNotChangeable,
    IntakeNotFound,
    ValidationError,
)
from intake.gaps import record_unanswered_question, unanswered_questions
from intake.models import Coordinator, Slot
from intake.timeutil import BRUSSELS

UTC = UTC


def _slot_starts(session, coordinator_id):
    return list(session.scalars(
        sa.select(Slot.starts_at).where(Slot.coordinator_id == coordinator_id).order_by(Slot.starts_at)
    ))


def test_add_list_deactivate(session, make_coordinator):
    c = make_coordinator(session, mutualiteit="helan", provinces=["Vlaanderen", "brussel"],
                         chat_id="12345", phone="0470 12 34 56", email="Tnw@Helan.BE")
    assert c.mutualiteit == "Helan"
    assert sorted(c.provinces) == sorted(["antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant",
                                          "west-vlaanderen", "brussel"])
    assert (c.telegram_chat_id, c.phone, c.email) == (12345, "+32470123456", "Tnw@helan.be")
    assert is_coordinator(session, 12345) and is_coordinator(session, "12345")
    assert not is_coordinator(session, 999) and not is_coordinator(session, None)
    assert not is_coordinator(session, "not-a-number")
    assert [x.id for x in list_coordinators(session)] == [c.id]
    assert deactivate_coordinator(session, c.id) == 0
    assert not is_coordinator(session, 12345)
    assert list_coordinators(session, include_inactive=False) == []


def test_add_coordinator_rejects_bad_input(session, make_coordinator):
    make_coordinator(session, chat_id=1)
    with pytest.raises(ValidationError):
        make_coordinator(session, chat_id=1)  # chat id already used
    with pytest.raises(ValidationError):
        make_coordinator(session, mutualiteit="Ziekenfonds Atlantis")
    with pytest.raises(ValidationError):
        make_coordinator(session, provinces=["Mars"])
    with pytest.raises(ValidationError):
        make_coordinator(session, provinces=[])
    assert session.scalar(sa.select(sa.func.count()).select_from(Coordinator)) == 1


def test_duplicate_chat_id_rejected_by_database(session, make_coordinator):
    a = make_coordinator(session, chat_id=77)
    b = make_coordinator(session)
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.update(Coordinator).where(Coordinator.id == b.id).values(telegram_chat_id=77))
    session.rollback()
    with pytest.raises(ValidationError):
        set_telegram_chat_id(session, b.id, 77)
    assert session.get(Coordinator, a.id).telegram_chat_id == 77


def test_generate_slots_follows_brussels_wall_clock_across_dst(session, make_coordinator):
    c = make_coordinator(session)
    add_schedule(session, c.id, weekday="maandag", start="09:00", end="10:30", slot_minutes=45)
    # Sunday 29 March 2026 has no 02:00–03:00 (summer time starts): 02:00 and 02:30 do not exist.
    add_schedule(session, c.id, weekday="zo", start="02:00", end="04:00", slot_minutes=30)
    now = datetime(2026, 3, 22, 12, 0, tzinfo=UTC)  # Sunday afternoon, winter time
    created = generate_slots(session, weeks=2, now=now)
    starts = _slot_starts(session, c.id)
    assert created == len(starts)
    mondays = [s for s in starts if s.astimezone(BRUSSELS).weekday() == 0]
    # 23 March (winter, UTC+1) and 30 March (summer, UTC+2): always 09:00 and 09:45 local.
    assert mondays == [
        datetime(2026, 3, 23, 8, 0, tzinfo=UTC), datetime(2026, 3, 23, 8, 45, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC), datetime(2026, 3, 30, 7, 45, tzinfo=UTC),
    ]
    assert all(s.astimezone(BRUSSELS).time() in (time(9, 0), time(9, 45)) for s in mondays)
    sundays = [s.astimezone(BRUSSELS) for s in starts if s.astimezone(BRUSSELS).weekday() == 6]
    # 22 March is today but 02:00–03:30 already passed: none; 29 March: only 03:00 and 03:30.
    assert [(s.day, s.strftime("%H:%M")) for s in sundays] == [(29, "03:00"), (29, "03:30")]
    assert all(s.tzinfo is not None for s in starts)
    # Idempotent.
    assert generate_slots(session, weeks=2, now=now) == 0


def test_generate_slots_autumn_dst_and_skips_inactive(session, make_coordinator):
    c = make_coordinator(session)
    gone = make_coordinator(session)
    add_schedule(session, c.id, weekday=6, start="01:30", end="03:30", slot_minutes=30)
    add_schedule(session, gone.id, weekday=6, start="09:00", end="10:00", slot_minutes=30)
    deactivate_coordinator(session, gone.id)
    now = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    generate_slots(session, weeks=1, now=now)
    local = [s.astimezone(BRUSSELS).strftime("%H:%M %Z") for s in _slot_starts(session, c.id)]
    # 25 October: 02:00–03:00 happens twice; the first (summer time) occurrence is used.
    assert local == ["01:30 CEST", "02:00 CEST", "02:30 CEST", "03:00 CET"]
    assert _slot_starts(session, gone.id) == []


def test_schedule_validation(session, make_coordinator):
    c = make_coordinator(session)
    for kwargs in ({"weekday": "blursday", "start": "9:00", "end": "10:00"},
                   {"weekday": 1, "start": "10:00", "end": "09:00"},
                   {"weekday": 7, "start": "09:00", "end": "10:00"},
                   {"weekday": 1, "start": "nine", "end": "10:00"},
                   {"weekday": 1, "start": "09:00", "end": "10:00", "slot_minutes": 0}):
        with pytest.raises(ValidationError):
            add_schedule(session, c.id, **kwargs)
    with pytest.raises(CoordinatorNotFound):
        add_schedule(session, 999, weekday=1, start="09:00", end="10:00")


def _book(session, slot, sender, consenting, booking, **kw):
    consenting(session, sender)
    return book_intake(session, sender_id=sender, slot_id=slot.id, **booking(**kw))


def test_coordinator_sees_and_updates_only_own_intakes(session, make_coordinator, make_slot,
                                                       consenting, booking, now):
    mine = make_coordinator(session, chat_id=1001)
    other = make_coordinator(session, chat_id=2002)
    today = make_slot(session, mine, now + timedelta(hours=3))  # 12:00 Brussels
    later = make_slot(session, mine, now + timedelta(days=3))
    far = make_slot(session, mine, now + timedelta(days=30))
    foreign = make_slot(session, other, now + timedelta(hours=4))
    a = _book(session, today, "telegram-a", consenting, booking)
    b = _book(session, later, "telegram-b", consenting, booking)
    _book(session, far, "telegram-c", consenting, booking)
    x = _book(session, foreign, "telegram-x", consenting, booking)

    assert [i.id for i in coordinator_intakes(session, 1001, now=now, scope="today")] == [a.id]
    assert [i.id for i in coordinator_intakes(session, 1001, now=now)] == [a.id, b.id]
    assert get_intake_for_coordinator(session, 1001, a.id).participant_name == "Jan Peeters"
    with pytest.raises(IntakeNotFound):
        get_intake_for_coordinator(session, 1001, x.id)  # someone else's: looks missing
    with pytest.raises(IntakeNotFound):
        mark_intake(session, 1001, x.id, "done")
    with pytest.raises(CoordinatorNotFound):
        coordinator_intakes(session, 3003, now=now)
    assert mark_intake(session, 1001, a.id, "done").status == "done"
    assert mark_intake(session, 1001, a.id, "no_show").status == "no_show"  # correction allowed
    assert mark_intake(session, 2002, x.id, "no_show").status == "no_show"
    with pytest.raises(ValidationError):
        mark_intake(session, 1001, b.id, "cancelled")
    # A done intake is no longer on the agenda.
    assert [i.id for i in coordinator_intakes(session, 1001, now=now)] == [b.id]


def test_cancelled_intake_cannot_be_marked_done(session, make_coordinator, make_slot, consenting,
                                                booking, now):
    from intake.booking import cancel_intake

    c = make_coordinator(session, chat_id=5)
    slot = make_slot(session, c, now + timedelta(days=1))
    intake = _book(session, slot, "telegram-q", consenting, booking)
    cancel_intake(session, "telegram-q", intake.id, now=now)
    with pytest.raises(IntakeNotChangeable):
        mark_intake(session, 5, intake.id, "done")


def test_unanswered_questions_are_scrubbed_and_recent(session, now):
    record_unanswered_question(session, "Krijg ik BTOM? Bel me: 0470 12 34 56", measure="btom",
                               now=now - timedelta(days=1))
    record_unanswered_question(session, "Oude vraag", now=now - timedelta(days=10))
    assert record_unanswered_question(session, "   ", now=now) is None
    gaps = unanswered_questions(session, now=now)
    assert [g.text for g in gaps] == ["Krijg ik BTOM? Bel me: [telefoonnummer]"]
    assert gaps[0].measure_guess == "btom"
    assert "btom" in gaps[0].line_nl


def test_free_slots_matching_rule(session, make_coordinator, make_slot, now):
    cm_ovl = make_coordinator(session, mutualiteit="CM", provinces=["oost-vlaanderen"])
    cm_ant = make_coordinator(session, mutualiteit="CM", provinces=["antwerpen"])
    helan_ovl = make_coordinator(session, mutualiteit="Helan", provinces=["oost-vlaanderen"])
    lm_lim = make_coordinator(session, mutualiteit="LM", provinces=["limburg"])
    s1 = make_slot(session, cm_ovl, now + timedelta(days=2))
    s2 = make_slot(session, cm_ant, now + timedelta(days=1))
    s3 = make_slot(session, helan_ovl, now + timedelta(days=1, hours=1))
    s4 = make_slot(session, lm_lim, now + timedelta(hours=3))
    make_slot(session, cm_ovl, now + timedelta(hours=1))  # within the booking notice: never offered
    make_slot(session, cm_ovl, now - timedelta(days=1))  # past

    def ids(**kw):
        return [o.slot_id for o in free_slots(session, now=now, **kw)]

    assert ids(mutualiteit="CM", province="Oost-Vlaanderen") == [s1.id]  # 1. mutualiteit + region
    assert ids(mutualiteit="cm", postcode="9000") == [s1.id]  # postcode → province
    assert ids(mutualiteit="CM", province="limburg") == [s2.id, s1.id]  # 2. mutualiteit, any region
    assert ids(mutualiteit="Solidaris", province="oost-vlaanderen") == [s3.id, s1.id]  # 3. region
    assert ids(mutualiteit="Solidaris", province="brussel") == [s4.id, s2.id, s3.id, s1.id]  # 4.
    assert ids(mutualiteit="Solidaris", province="brussel", limit=2) == [s4.id, s2.id]
    assert ids(mutualiteit="Solidaris", other_mutualiteiten=False) == []
    assert ids() == [s4.id, s2.id, s3.id, s1.id]
    options = free_slots(session, mutualiteit="CM", province="oost-vlaanderen", now=now)
    assert options[0].label.startswith("woensdag 25 november om 09:00")
    assert options[0].coordinator_name == cm_ovl.name
    # Deactivated coordinators' slots are not offered.
    deactivate_coordinator(session, cm_ovl.id)
    assert ids(mutualiteit="CM", province="Oost-Vlaanderen") == [s2.id]
