"""Rasa's conversations in its SQL tracker store: erasing one ("wis mijn gegevens") and purging
old events (storage limitation).

Rasa stores every event of a conversation as one row of its `events` table (columns id,
sender_id, type_name, timestamp, intent_name, action_name, data); `timestamp` is a Unix time.
Rasa writes the tracker after an action has run, so the privacy action cannot erase its own
last turn: the front end calls `delete_conversation` once Rasa's reply (with
`{"tnw_delete_conversation": true}`) has arrived, and `intake.erasure` repeats it until the
turn is surely saved (see there). The next message from that sender starts a fresh conversation.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

from .db import SQLITE_BUSY_TIMEOUT_MS
from .validation import validate_sender_id

EVENTS_TABLE = "events"

_events = sa.table(EVENTS_TABLE, sa.column("id"), sa.column("sender_id"), sa.column("timestamp"))


def tracker_store_engine_url(url: str | sa.URL) -> sa.URL:
    """The engine's tracker store URL for our SQLAlchemy 2 drivers.

    Rasa's URL "postgresql://..." (or "postgres://...") means psycopg2 there; this environment
    has psycopg 3, so it becomes "postgresql+psycopg://...". SQLite URLs are used as they are.
    """
    text = url.render_as_string(hide_password=False) if isinstance(url, sa.URL) else str(url).strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://"):]
    parsed = make_url(text)
    if parsed.drivername in ("postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@contextmanager
def _events_connection(tracker_store_url: str | sa.URL, *, commit: bool = True) -> Iterator[Connection | None]:
    """A transaction on the tracker store, or None when it (or its events table) does not exist
    yet; rolled back instead of committed with `commit=False` (dry runs)."""
    url = tracker_store_engine_url(tracker_store_url)
    kwargs: dict = {"hide_parameters": True}  # sender ids stay out of error messages and logs
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("the tracker store must be a file or a server, not an in-memory database")
        if not url.database.startswith("file:") and not Path(url.database).expanduser().exists():
            yield None  # nothing stored yet; do not create an empty database file
            return
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    engine = sa.create_engine(url, **kwargs)
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            if not sa.inspect(connection).has_table(EVENTS_TABLE):
                yield None
                return
            yield connection
            if not commit:
                transaction.rollback()
    finally:
        engine.dispose()


def delete_conversation(tracker_store_url: str | sa.URL, sender_id: str, *,
                        until: datetime | None = None) -> int:
    """Delete the stored events of `sender_id` (only those up to `until`, when given);
    returns how many were deleted (0 if none).

    Safe to call when the tracker store does not exist yet or holds nothing for this sender.
    """
    sender_id = validate_sender_id(sender_id)
    with _events_connection(tracker_store_url) as connection:
        if connection is None:
            return 0
        query = sa.delete(_events).where(_events.c.sender_id == sender_id)
        if until is not None:
            query = query.where(_events.c.timestamp <= until.timestamp())
        return connection.execute(query).rowcount or 0


def purge_events(tracker_store_url: str | sa.URL, before: datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Delete every event stored before `before`; returns {"events": n, "conversations": m}."""
    with _events_connection(tracker_store_url, commit=not dry_run) as connection:
        if connection is None:
            return {"events": 0, "conversations": 0}
        old = _events.c.timestamp < before.timestamp()
        conversations = connection.scalar(
            sa.select(sa.func.count(sa.distinct(_events.c.sender_id))).where(old)) or 0
        events = connection.execute(sa.delete(_events).where(old)).rowcount or 0
        return {"events": events, "conversations": conversations}
