"""Rules the database itself enforces, checked by writing rows directly (bypassing the code)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from intake import db as intake_db
from intake.models import Intake, Slot

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _raw_intake(slot_id, status="booked", **extra):
    row = dict(sender_id="raw", participant_name="Raw", role="participant", slot_id=slot_id,
               status=status, created_at=NOW, updated_at=NOW)
    row.update(extra)
    return row


def _prepare(connection):
    connection.execute(sa.text(
        "INSERT INTO coordinators (name, mutualiteit, active, created_at, updated_at) "
        "VALUES ('Raw', 'CM', :t, :n, :n)"), {"t": True, "n": NOW.replace(tzinfo=None)})
    coordinator_id = connection.execute(sa.text("SELECT max(id) FROM coordinators")).scalar()
    connection.execute(sa.insert(Slot), [dict(coordinator_id=coordinator_id, starts_at=NOW + timedelta(days=1),
                                              ends_at=NOW + timedelta(days=1, minutes=45), created_at=NOW)])
    return coordinator_id, connection.execute(sa.text("SELECT max(id) FROM slots")).scalar()


def test_double_booking_is_rejected_by_the_database(any_url):
    engine = intake_db.make_engine(any_url)
    try:
        with engine.begin() as connection:
            _, slot_id = _prepare(connection)
            connection.execute(sa.insert(Intake), [_raw_intake(slot_id)])
        with pytest.raises(sa.exc.IntegrityError):
            with engine.begin() as connection:
                connection.execute(sa.insert(Intake), [_raw_intake(slot_id, sender_id="other")])
        # Cancelled (and done) intakes do not hold the slot: these inserts succeed.
        with engine.begin() as connection:
            connection.execute(sa.insert(Intake), [_raw_intake(slot_id, status="cancelled"),
                                                   _raw_intake(slot_id, status="cancelled")])
            connection.execute(sa.text("UPDATE intakes SET status = 'cancelled' WHERE status = 'booked'"))
            connection.execute(sa.insert(Intake), [_raw_intake(slot_id, sender_id="second")])
        with engine.connect() as connection:
            booked = connection.execute(sa.text(
                "SELECT sender_id FROM intakes WHERE status = 'booked'")).scalars().all()
        assert booked == ["second"]
    finally:
        engine.dispose()


def test_other_database_rules(any_url):
    engine = intake_db.make_engine(any_url)
    try:
        with engine.begin() as connection:
            coordinator_id, slot_id = _prepare(connection)
        bad_rows = [
            ("intakes", _raw_intake(slot_id, status="maybe")),  # unknown status
            ("intakes", _raw_intake(slot_id, role="astronaut")),
            ("intakes", _raw_intake(987654)),  # slot does not exist (foreign key)
            ("slots", dict(coordinator_id=coordinator_id, starts_at=NOW + timedelta(days=1),
                           ends_at=NOW + timedelta(days=2), created_at=NOW)),  # same coordinator+start
            ("slots", dict(coordinator_id=coordinator_id, starts_at=NOW + timedelta(days=3),
                           ends_at=NOW + timedelta(days=2), created_at=NOW)),  # ends before start
        ]
        for table, row in bad_rows:
            model = Intake if table == "intakes" else Slot
            with pytest.raises(sa.exc.IntegrityError):
                with engine.begin() as connection:
                    connection.execute(sa.insert(model), [row])
    finally:
        engine.dispose()


def test_naive_datetimes_are_refused(sqlite_url):
    engine = intake_db.make_engine(sqlite_url)
    try:
        with pytest.raises(sa.exc.StatementError):
            with engine.begin() as connection:
                connection.execute(sa.select(Slot).where(Slot.starts_at > datetime(2026, 1, 1)))
    finally:
        engine.dispose()


def test_sqlite_is_configured_for_several_processes(sqlite_url):
    engine = intake_db.make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()
