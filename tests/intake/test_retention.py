"""Retention with time moved forward: exactly what expired goes, nothing else; dry runs change nothing."""
from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.booking import book_intake
from intake.gaps import record_unanswered_question
from intake.models import Intake, UnansweredQuestion
from intake.retention import RetentionPolicy, purge, start_retention_job

POLICY = RetentionPolicy(intakes_days=365, conversations_days=90, gaps_days=90, logs_days=30)

metadata = sa.MetaData()
events = sa.Table(  # as Rasa 3.6's SQLTrackerStore creates it
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def make_tracker(path, rows):
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(events.insert(), [
            {"sender_id": sender, "type_name": "user", "timestamp": when.timestamp(), "data": "{}"}
            for sender, when in rows])
    engine.dispose()
    return url


def tracker_rows(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = sorted(connection.execute(sa.select(events.c.sender_id, events.c.timestamp)).all())
    engine.dispose()
    return rows


def test_purge_removes_exactly_what_expired(Session, tmp_path, make_coordinator, make_slot, consenting,
                                            booking, now):
    with Session() as session:
        c = make_coordinator(session, chat_id=10)
        soon = book_intake(session, sender_id=consenting(session, "telegram-soon"),
                           slot_id=make_slot(session, c, now + timedelta(days=1)).id, **booking())
        later = book_intake(session, sender_id=consenting(session, "telegram-later"),
                            slot_id=make_slot(session, c, now + timedelta(days=200)).id,
                            **booking(name="Els Andere"))
        record_unanswered_question(session, "Oude vraag over VOP", now=now)
        record_unanswered_question(session, "Nieuwere vraag over BTOM", now=now + timedelta(days=50))
    tracker = make_tracker(tmp_path / "tracker.db", [
        ("telegram-old", now), ("telegram-old", now + timedelta(minutes=1)),
        ("telegram-new", now + timedelta(days=50))])
    logs = tmp_path / "logs"
    (logs / "old").mkdir(parents=True)
    for name, age_day in (("old/rasa.log.1", 0), ("actions.log", 80)):
        (logs / name).write_text("x")
        stamp = (now + timedelta(days=age_day)).timestamp()
        os.utime(logs / name, (stamp, stamp))

    at = now + timedelta(days=100)
    dry = purge(Session, tracker_store_url=tracker, logs_dir=logs, policy=POLICY, now=at, dry_run=True)
    assert dry.conversations == {"events": 2, "conversations": 1}
    assert dry.gaps == {"deleted": 1, "unlinked": 0}
    assert dry.log_files == ["old/rasa.log.1"]
    assert dry.intakes["intakes_anonymised"] == 0
    assert "would remove" in "\n".join(dry.lines())
    # Nothing changed by the dry run.
    assert len(tracker_rows(tracker)) == 3 and (logs / "old/rasa.log.1").exists()
    with Session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(UnansweredQuestion)) == 2

    done = purge(Session, tracker_store_url=tracker, logs_dir=logs, policy=POLICY, now=at)
    assert (done.conversations, done.gaps, done.log_files) == (dry.conversations, dry.gaps, dry.log_files)
    assert [s for s, _ in tracker_rows(tracker)] == ["telegram-new"]
    assert not (logs / "old/rasa.log.1").exists() and (logs / "actions.log").exists()
    with Session() as session:
        assert session.scalars(sa.select(UnansweredQuestion.text)).all() == ["Nieuwere vraag over BTOM"]
        assert session.scalar(
            sa.select(sa.func.count()).select_from(Intake).where(Intake.anonymised_at.is_not(None))) == 0

    # A year after the first intake: that one is anonymised, the later one is not.
    a_year = purge(Session, tracker_store_url=tracker, logs_dir=logs, policy=POLICY, now=now + timedelta(days=367))
    assert a_year.intakes["intakes_anonymised"] == 1
    with Session() as session:
        assert session.get(Intake, soon.id).participant_name is None
        assert session.get(Intake, later.id).participant_name == "Els Andere"
        assert session.scalars(sa.select(UnansweredQuestion)).all() == []
    assert tracker_rows(tracker) == []
    assert not (logs / "actions.log").exists()


def test_purge_without_tracker_store_or_logs(Session, tmp_path, now):
    report = purge(Session, tracker_store_url=f"sqlite:///{tmp_path / 'missing.db'}",
                   logs_dir=tmp_path / "nologs", policy=POLICY, now=now)
    assert report.conversations == {"events": 0, "conversations": 0} and report.log_files == []
    assert not (tmp_path / "missing.db").exists()


def test_policy_from_the_settings(settings, monkeypatch):
    from settings import load_settings

    monkeypatch.setenv("TNW_KEEP_CONVERSATIONS_DAYS", "30")
    monkeypatch.setenv("TNW_KEEP_LOGS_DAYS", "7")
    policy = RetentionPolicy.from_settings(load_settings())
    assert (policy.intakes_days, policy.conversations_days, policy.gaps_days, policy.logs_days) == (365, 30, 90, 7)
    monkeypatch.setenv("TNW_KEEP_GAPS_DAYS", "veel")
    with pytest.raises(ValueError, match="TNW_KEEP_GAPS_DAYS"):
        load_settings()
    with pytest.raises(ValueError):
        RetentionPolicy(logs_days=0)


def test_scheduled_job_runs_purge_and_erasures(sqlite_url, tmp_path, now):
    """The job purges at once, then keeps processing erasures until stopped."""
    from intake.db import session_factory
    from intake.erasure import request_erasure
    from intake.models import PendingErasure

    tracker = make_tracker(tmp_path / "tracker.db", [("telegram-gone", now - timedelta(days=400)),
                                                     ("telegram-wis", now - timedelta(hours=1))])
    factory = session_factory(sqlite_url)
    with factory() as session:
        row = request_erasure(session, "telegram-wis", now - timedelta(hours=1))
        session.commit()
    job = start_retention_job(sqlite_url, tracker, tmp_path / "logs", policy=POLICY,
                              interval=3600, erasure_interval=0.05)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (job.purges < 1 or job.erasure_rounds < 2):
            time.sleep(0.05)
    finally:
        job.stop()
    assert not job.is_alive()
    assert job.purges == 1 and job.erasure_rounds >= 2
    assert tracker_rows(tracker) == []  # one expired, one erased on request
    with factory() as session:
        assert session.get(PendingErasure, row.id) is None


def test_a_big_log_is_rotated_and_the_server_goes_on_writing_at_its_start(tmp_path, now):
    from intake.retention import rotate_log_files

    logs = tmp_path / "logs"
    logs.mkdir()
    big, small = logs / "rasa.log", logs / "actions.log"
    writer = open(big, "ab")  # how the servers hold their log
    writer.write(b"x" * 2048)
    writer.flush()
    small.write_bytes(b"y" * 10)
    rotated = rotate_log_files(logs, now=now, max_bytes=1024)
    assert rotated == [f"rasa.log.{now:%Y%m%d-%H%M%S}"]
    assert (logs / rotated[0]).read_bytes() == b"x" * 2048 and big.stat().st_size == 0
    writer.write(b"new line\n")
    writer.close()
    assert big.read_bytes() == b"new line\n"  # appended at the new end, no hole of zeros
    assert small.read_bytes() == b"y" * 10
