"""Several people race for the same slot at the same moment: exactly one gets it."""
from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from intake import booking as booking_module
from intake import db as intake_db
from intake.booking import book_intake
from intake.errors import SlotTaken
from intake.models import Intake, OutboxMessage

RACERS = 6
ROUNDS = 3


def _race(Session, slot_id, round_no, booking):
    barrier = threading.Barrier(RACERS)
    results: list[object] = [None] * RACERS

    def racer(i):
        with Session() as session:
            sender = f"telegram-r{round_no}-{i}"
            try:
                barrier.wait(timeout=10)
                results[i] = book_intake(session, sender_id=sender, slot_id=slot_id,
                                         **booking(name=f"Racer {i}"))
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                results[i] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a booking hung"
    return results


def _run(url, make_coordinator, make_slot, consenting, booking, now, monkeypatch):
    Session = intake_db.session_factory(url)
    db_decisions = []
    original = booking_module._slot_is_booked

    def counting(session, slot_id):  # only reached after the database refused an insert
        db_decisions.append(slot_id)
        return original(session, slot_id)

    monkeypatch.setattr(booking_module, "_slot_is_booked", counting)
    try:
        with Session() as session:
            c = make_coordinator(session, chat_id=777)
            slots = [make_slot(session, c, now + timedelta(days=1, hours=h)) for h in range(ROUNDS + 5)]
            for round_no in range(ROUNDS):
                for i in range(RACERS):
                    consenting(session, f"telegram-r{round_no}-{i}")
        for round_no in range(ROUNDS):
            slot_id = slots[round_no].id
            results = _race(Session, slot_id, round_no, booking)
            winners = [r for r in results if not isinstance(r, BaseException)]
            losers = [r for r in results if isinstance(r, BaseException)]
            assert len(winners) == 1, results
            assert all(isinstance(r, SlotTaken) for r in losers), losers
            for loser in losers:
                alternatives = [o.slot_id for o in loser.alternatives]
                assert 3 <= len(alternatives) <= 5
                assert slot_id not in alternatives
            with Session() as session:
                booked = session.scalars(sa.select(Intake).where(Intake.slot_id == slot_id)).all()
                assert [(i.id, i.status) for i in booked] == [(winners[0].id, "booked")]
                messages = session.scalars(sa.select(OutboxMessage).where(
                    OutboxMessage.intake_id == winners[0].id)).all()
                assert len(messages) == 1  # no message for a booking that did not happen
        with Session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Intake)) == ROUNDS
            assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == ROUNDS
        # Every loser was turned away by the unique index, not by a check in Python.
        assert len(db_decisions) == ROUNDS * (RACERS - 1)
    finally:
        Session.kw["bind"].dispose()


def test_race_on_sqlite(sqlite_url, make_coordinator, make_slot, consenting, booking, now, monkeypatch):
    _run(sqlite_url, make_coordinator, make_slot, consenting, booking, now, monkeypatch)


def test_race_on_postgresql(pg_url, make_coordinator, make_slot, consenting, booking, now, monkeypatch):
    _run(pg_url, make_coordinator, make_slot, consenting, booking, now, monkeypatch)
