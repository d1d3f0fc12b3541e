"""Erasing a conversation from Rasa's SQL tracker store (the `events` table Rasa creates)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from intake import ValidationError
from intake.conversations import delete_conversation, tracker_store_engine_url

# The table as Rasa 3.6's SQLTrackerStore creates it.
metadata = sa.MetaData()
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def fill(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
        with engine.begin() as connection:
            rows = [
                {"sender_id": sender, "type_name": kind, "timestamp": 1.0 + i, "intent_name": None,
                 "action_name": None, "data": '{"text": "mijn nummer is 0470 12 34 56"}'}
                for sender, count in (("telegram-aaaa", 5), ("telegram-bbbb", 3))
                for i, kind in enumerate(["user", "bot", "action", "slot", "user"][:count])
            ]
            connection.execute(events.insert(), rows)
    finally:
        engine.dispose()


def remaining(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(
                sa.select(events.c.sender_id, sa.func.count()).group_by(events.c.sender_id)).all())
    finally:
        engine.dispose()


def test_deletes_only_that_persons_events_in_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"  # "sqlite:////abs/path" as the engine uses it
    fill(url)
    assert delete_conversation(url, "telegram-aaaa") == 5
    assert remaining(url) == {"telegram-bbbb": 3}
    assert delete_conversation(url, "telegram-aaaa") == 0


def test_deletes_in_postgresql_too(pg_url):
    fill(pg_url)
    assert delete_conversation(pg_url, "telegram-bbbb") == 3
    assert remaining(pg_url) == {"telegram-aaaa": 5}


def test_a_missing_store_or_table_means_nothing_to_delete(tmp_path):
    missing = tmp_path / "nothing.db"
    assert delete_conversation(f"sqlite:///{missing}", "telegram-aaaa") == 0
    assert not missing.exists()  # no empty database file is created
    empty = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{empty}").connect().close()
    assert delete_conversation(f"sqlite:///{empty}", "telegram-aaaa") == 0


def test_refuses_an_empty_sender_and_an_in_memory_store(tmp_path):
    with pytest.raises(ValidationError):
        delete_conversation(f"sqlite:///{tmp_path / 'x.db'}", " ")
    with pytest.raises(ValueError):
        delete_conversation("sqlite://", "telegram-aaaa")


@pytest.mark.parametrize("url, driver", [
    ("postgresql://rasa:geheim@db:5432/rasa", "postgresql+psycopg"),
    ("postgres://rasa@db/rasa", "postgresql+psycopg"),
    ("postgresql+psycopg2://rasa@db/rasa", "postgresql+psycopg"),
    ("postgresql+psycopg://rasa@db/rasa", "postgresql+psycopg"),
    ("sqlite:////var/db/tracker.db", "sqlite"),
])
def test_engine_urls_are_mapped_to_our_driver(url, driver):
    mapped = tracker_store_engine_url(url)
    assert mapped.drivername == driver
    assert mapped.password in (None, "geheim")
