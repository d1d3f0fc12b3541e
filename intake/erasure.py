"""Durable erasure of a conversation in Rasa's tracker store ("wis mijn gegevens").

`delete_personal_data` writes a `PendingErasure` row in the same transaction as the deletion
of the intake data. The conversation is deleted at once by the privacy action (before it
confirms), by the front end after Rasa's reply, and by `process_pending_erasures` (run by the
retention job every minute or so) until it is surely done:

- Rasa saves the erasure turn itself *after* the action ran, and may still be busy with it
  when the front end gave up waiting (a timeout); so the row stays until `SETTLE` after the
  request and the events are deleted again then, up to that moment (a message sent after it
  starts a new conversation and is kept);
- a failure (tracker store down) is retried with backoff and never dropped;
- when done, the row (and with it the sender id) is deleted.

Rasa's cached tracker (rasa_addons/tracker_store.py) is only used while its row count and newest
row id match the database, so after the deletion it is reloaded, i.e. empty.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .conversations import delete_conversation
from .models import PendingErasure
from .timeutil import ensure_aware, utcnow
from .validation import validate_sender_id

log = logging.getLogger(__name__)

# Longer than the front end waits for Rasa (TNW_RASA_TIMEOUT, 30 s) plus Rasa's own save.
SETTLE = timedelta(minutes=2)
RETRY_MAX = timedelta(minutes=30)


def request_erasure(session: Session, sender_id: str, now: datetime) -> PendingErasure:
    """Record that this conversation must go, in the caller's transaction (does not commit)."""
    row = PendingErasure(sender_id=validate_sender_id(sender_id), requested_at=now,
                         attempts=0, next_attempt_at=now)
    session.add(row)
    return row


def pending_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(PendingErasure)) or 0


def _retry_delay(attempts: int) -> timedelta:
    return min(timedelta(seconds=30) * (2 ** min(attempts - 1, 10)), RETRY_MAX)


def process_pending_erasures(session_factory, tracker_store_url: str, *, now: datetime | None = None,
                             settle: timedelta = SETTLE, limit: int = 100) -> dict[str, int]:
    """Delete the conversations of due erasure requests; returns {"done", "waiting", "failed"}."""
    now = ensure_aware(now) if now else utcnow()
    result = {"done": 0, "waiting": 0, "failed": 0}
    with session_factory() as session:
        rows = session.scalars(
            sa.select(PendingErasure).where(PendingErasure.next_attempt_at <= now)
            .order_by(PendingErasure.next_attempt_at, PendingErasure.id).limit(limit)
        ).all()
        for row in rows:
            settled_at = row.requested_at + settle
            try:
                delete_conversation(tracker_store_url, row.sender_id, until=min(now, settled_at))
            except Exception as exc:  # noqa: BLE001 - any failure: try again later, log the type only
                row.attempts += 1
                row.last_error = type(exc).__name__[:200]
                row.next_attempt_at = now + _retry_delay(row.attempts)
                result["failed"] += 1
                log.warning("Conversation erasure %d failed (%s); retrying", row.id, type(exc).__name__)
            else:
                if now >= settled_at:
                    session.delete(row)
                    result["done"] += 1
                else:
                    row.attempts += 1
                    row.next_attempt_at = settled_at  # once more when the last turn is surely saved
                    result["waiting"] += 1
            session.commit()
    return result
