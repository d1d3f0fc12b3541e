"""Coordinator notifications, stored in the same transaction as the change they report.

The Telegram front end polls `pending_messages`, sends each one as plain text (no parse mode:
the payload contains what participants typed), then calls `mark_sent` or `mark_failed`.
Delivery is at least once: a crash between sending and `mark_sent` sends the message again.
A failed message is retried with exponential backoff (30 s, 1 min, 2 min, … capped at 1 h)
and never dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import (
    KIND_CANCELLED, KIND_NEW, KIND_RESCHEDULED, OUTBOX_KINDS, Coordinator, OutboxMessage,
)
from .timeutil import ensure_aware, utcnow
from .views import IntakeView

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
ERROR_MAX = 1000


@dataclass(frozen=True)
class PendingMessage:
    id: int
    chat_id: int
    coordinator_id: int
    kind: str
    text: str
    attempts: int
    created_at: datetime


# ---------------------------------------------------------------- texts (Dutch, coordinator-facing)


def text_new(intake: IntakeView) -> str:
    return (
        "📅 Nieuwe intake geboekt\n"
        f"{intake.details_nl()}\n\n"
        "Neem op dat moment contact op met de deelnemer."
    )


def text_cancelled(intake: IntakeView) -> str:
    who = f" met {intake.participant_name}" if intake.participant_name else ""
    return (
        "❌ Intake geannuleerd\n"
        f"Intake #{intake.id}{who} op {intake.when} gaat niet door.\n"
        "Dat moment is weer vrij."
    )


def text_rescheduled(old: IntakeView, new: IntakeView) -> str:
    return (
        "🔁 Intake verplaatst\n"
        f"Van: {old.when}\n"
        f"Naar: {new.when}\n\n"
        f"{new.details_nl()}"
    )


def text_moved_away(old: IntakeView) -> str:
    """For the old coordinator when an intake moves to a colleague."""
    who = f" met {old.participant_name}" if old.participant_name else ""
    return (
        "❌ Intake verplaatst naar een collega\n"
        f"Intake #{old.id}{who} op {old.when} gaat bij jou niet door.\n"
        "Dat moment is weer vrij."
    )


def text_erased(intake: IntakeView) -> str:
    return (
        "❌ Intake geannuleerd\n"
        f"Intake #{intake.id} op {intake.when} gaat niet door: de deelnemer liet zijn gegevens "
        "wissen.\nDat moment is weer vrij."
    )


# ---------------------------------------------------------------- queue


def enqueue(
    session: Session,
    *,
    coordinator_id: int,
    kind: str,
    text: str,
    intake_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (does not commit)."""
    if kind not in OUTBOX_KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    now = ensure_aware(now) if now else utcnow()
    message = OutboxMessage(
        coordinator_id=coordinator_id, intake_id=intake_id, kind=kind, payload=text,
        created_at=now, next_attempt_at=now, attempts=0,
    )
    session.add(message)
    return message


def pending_messages(
    session: Session, now: datetime | None = None, limit: int = 20
) -> list[PendingMessage]:
    """Unsent messages that are due, oldest first, for coordinators with a Telegram chat id.

    Messages for a coordinator without a chat id (or deactivated) wait until one is set.
    """
    now = ensure_aware(now) if now else utcnow()
    rows = session.execute(
        sa.select(OutboxMessage, Coordinator.telegram_chat_id)
        .join(Coordinator, Coordinator.id == OutboxMessage.coordinator_id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            Coordinator.telegram_chat_id.is_not(None),
            Coordinator.active.is_(True),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    return [
        PendingMessage(
            id=m.id, chat_id=int(chat_id), coordinator_id=m.coordinator_id, kind=m.kind,
            text=m.payload, attempts=m.attempts, created_at=m.created_at,
        )
        for m, chat_id in rows
    ]


def mark_sent(session: Session, message_id: int, now: datetime | None = None) -> None:
    now = ensure_aware(now) if now else utcnow()
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .values(sent_at=now, attempts=OutboxMessage.attempts + 1, last_error=None)
    )
    session.commit()


def backoff_delay(attempts: int) -> timedelta:
    """Delay after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … at most 1 hour."""
    if attempts <= 0:
        return timedelta(0)
    exponent = min(attempts - 1, 20)
    return min(BACKOFF_BASE * (2**exponent), BACKOFF_MAX)


def mark_failed(
    session: Session, message_id: int, error: str | BaseException, now: datetime | None = None
) -> datetime | None:
    """Record a failed attempt; returns when the message will be tried again (None if unknown)."""
    now = ensure_aware(now) if now else utcnow()
    message = session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None:
        session.rollback()
        return None
    message.attempts = (message.attempts or 0) + 1
    message.last_error = str(error)[:ERROR_MAX] or type(error).__name__
    message.next_attempt_at = now + backoff_delay(message.attempts)
    session.commit()
    return message.next_attempt_at


def outbox_stats(session: Session) -> dict[str, int]:
    """Counts for monitoring: pending, failing (pending with errors), sent."""
    pending = session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))
    )
    failing = session.scalar(
        sa.select(sa.func.count()).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0
        )
    )
    sent = session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_not(None)))
    return {"pending": pending or 0, "failing": failing or 0, "sent": sent or 0}


__all__ = [
    "KIND_CANCELLED", "KIND_NEW", "KIND_RESCHEDULED", "PendingMessage", "backoff_delay",
    "enqueue", "mark_failed", "mark_sent", "outbox_stats", "pending_messages",
]
