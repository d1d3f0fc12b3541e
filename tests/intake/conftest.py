"""Fixtures for the intake storage tests: a migrated SQLite file per test, PostgreSQL if reachable."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from intake import db as intake_db
from intake.coordinators import add_coordinator
from intake.models import Slot
from intake.privacy import give_consent

# A Monday morning in winter time (09:00 in Brussels).
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    intake_db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def pg_schema_url(pg_server):
    """A fresh schema for this test run (search_path), migrated to head, dropped at the end."""
    schema = f"tnw_intake_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(pg_server).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    try:
        intake_db.upgrade(url_text)
        yield url_text
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_schema_url):
    """The run's PostgreSQL schema, emptied before each test (ids restart at 1)."""
    from intake.models import Base

    engine = sa.create_engine(pg_schema_url)
    try:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
    return pg_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request):
    """Run a test on SQLite and (when reachable) PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def Session(any_url):
    """Session factory; every test using it runs on SQLite and on PostgreSQL (when reachable)."""
    factory = intake_db.session_factory(any_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def session(Session):
    with Session() as s:
        yield s


@pytest.fixture
def make_coordinator():
    counter = iter(range(1, 10_000))

    def _make(session, *, mutualiteit="CM", provinces=("oost-vlaanderen",), chat_id=None, name=None, **kw):
        return add_coordinator(
            session, name=name or f"Coördinator {next(counter)}", mutualiteit=mutualiteit,
            provinces=list(provinces), telegram_chat_id=chat_id, **kw,
        )

    return _make


@pytest.fixture
def make_slot():
    def _make(session, coordinator, starts_at, minutes=45):
        slot = Slot(coordinator_id=coordinator.id, starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=minutes), created_at=NOW)
        session.add(slot)
        session.commit()
        return slot

    return _make


@pytest.fixture
def consenting():
    """Give consent for a sender id and return it."""
    def _give(session, sender_id="telegram-aaaaaaaaaaaaaaaaaaaaaaaa"):
        give_consent(session, sender_id, now=NOW - timedelta(minutes=5))
        return sender_id

    return _give


@pytest.fixture
def booking():
    """Keyword arguments for book_intake, with overrides."""
    def _kwargs(**overrides):
        data = dict(name="Jan Peeters", phone="0470 12 34 56", role="participant",
                    mutualiteit="CM", postcode="9000",
                    topic="Mijn baas wil mijn bureau aanpassen", now=NOW)
        data.update(overrides)
        return data

    return _kwargs
