"""Erasing a person's conversation from Rasa's SQL tracker store ("wis mijn gegevens").

Rasa stores every event of a conversation as one row of its `events` table (columns id,
sender_id, type_name, timestamp, intent_name, action_name, data). Rasa writes the tracker after
an action has run, so the privacy action cannot erase its own conversation; the front end calls
`delete_conversation` once Rasa's reply (with `{"tnw_delete_conversation": true}`) has arrived.
The next message from that sender starts a fresh conversation.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .db import SQLITE_BUSY_TIMEOUT_MS
from .validation import validate_sender_id

EVENTS_TABLE = "events"

_events = sa.table(EVENTS_TABLE, sa.column("id"), sa.column("sender_id"))


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


def delete_conversation(tracker_store_url: str | sa.URL, sender_id: str) -> int:
    """Delete every stored event of `sender_id`; returns how many were deleted (0 if none).

    Safe to call when the tracker store does not exist yet or holds nothing for this sender.
    """
    sender_id = validate_sender_id(sender_id)
    url = tracker_store_engine_url(tracker_store_url)
    kwargs: dict = {"hide_parameters": True}  # sender ids stay out of error messages and logs
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("the tracker store must be a file or a server, not an in-memory database")
        if not url.database.startswith("file:") and not Path(url.database).expanduser().exists():
            return 0  # nothing stored yet; do not create an empty database file
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    engine = sa.create_engine(url, **kwargs)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table(EVENTS_TABLE):
                return 0
            result = connection.execute(sa.delete(_events).where(_events.c.sender_id == sender_id))
            return result.rowcount or 0
    finally:
        engine.dispose()
