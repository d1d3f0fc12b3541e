"""Action tests run against the real knowledge base, its search index and a migrated database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml

from intake import add_coordinator, give_consent
from intake.db import default_session_factory, upgrade
from intake.models import Slot
from settings import PROJECT_DIR
from tests.actions.booking_support import SENDER


@pytest.fixture
def kb_env(settings):
    """Settings whose database is migrated; the index is built (once) under the shared test data dir."""
    upgrade(settings.database_url)
    return settings


@pytest.fixture
def db(kb_env):
    return default_session_factory()


@pytest.fixture
def coordinator(db):
    with db() as session:
        c = add_coordinator(session, name="Demo An Voorbeeld", mutualiteit="CM",
                            provinces=["oost-vlaanderen"], phone="09 123 45 67")
        return c.id


@pytest.fixture
def slots(db, coordinator):
    """Six free moments over three days, starting tomorrow."""
    # At 9:00 UTC: two moments an hour apart never straddle midnight in Belgium (the test once
    # failed when run after 22:00 UTC).
    start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    ids = []
    with db() as session:
        for day in range(3):
            for hour in (0, 1):
                begin = start + timedelta(days=day, hours=hour)
                slot = Slot(coordinator_id=coordinator, starts_at=begin, ends_at=begin + timedelta(minutes=45))
                session.add(slot)
                session.flush()
                ids.append(slot.id)
        session.commit()
    return ids


@pytest.fixture
def consented(db):
    with db() as session:
        give_consent(session, SENDER)


@pytest.fixture
def domain():
    data = yaml.safe_load((PROJECT_DIR / "nlu" / "domain" / "booking.yml").read_text())
    return {"forms": data["forms"], "slots": data["slots"]}
