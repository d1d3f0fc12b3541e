"""Coordinator notifications, stored in the same transaction as the change they report.

The Telegram front end claims due messages with `claim_messages`, sends each one as plain text
(no parse mode: the payload contains what participants typed), then calls `mark_sent`,
`mark_failed` or, when Telegram says the coordinator blocked the bot (403), `mark_blocked`.

- Claiming: a row is claimed (`claimed_until`, a lease of `CLAIM_LEASE`) before it is sent, so
  two senders never send the same message; on PostgreSQL the coordinator rows are taken with
  `FOR UPDATE SKIP LOCKED`, and on every database the claim itself is a conditional update
  (on SQLite, run one sender). A crashed sender's claim lapses and the message goes again:
  delivery is at least once.
- Order: the messages of one coordinator's chat go out in the order they were written, so a
  booking, its move and its cancellation arrive in that order (a move makes a new intake id,
  so ordering per coordinator is what keeps them together). A message that waits for a retry
  holds back the later ones of that chat.
- A failed message is retried with exponential backoff (30 s, 1 min, 2 min, … capped at 1 h)
  and never dropped; a blocked one is not retried until the coordinator's chat id is set again
  (`unblock_coordinator`); `outbox_stats` counts them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import rowcount
from .models import (
    KIND_CANCELLED,
    KIND_NEW,
    KIND_RESCHEDULED,
    OUTBOX_KINDS,
    Coordinator,
    OutboxMessage,
)
from .timeutil import ensure_aware, utcnow
from .views import IntakeView

BACKOFF_BASE = timedelta(seconds=30)
CLAIM_LEASE = timedelta(minutes=2)
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
    intake_id: int | None = None


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
    """Unsent messages that are due, oldest first, for coordinators with a Telegram chat id
    (a read-only look; senders use `claim_messages`).

    Messages for a coordinator without a chat id (or deactivated) wait until one is set.
    """
    now = ensure_aware(now) if now else utcnow()
    rows = session.execute(
        sa.select(OutboxMessage, Coordinator.telegram_chat_id)
        .join(Coordinator, Coordinator.id == OutboxMessage.coordinator_id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.blocked_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            Coordinator.telegram_chat_id > 0,  # a group (negative id) never gets participants' details
            Coordinator.active.is_(True),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    return [
        PendingMessage(
            id=m.id, chat_id=int(chat_id), coordinator_id=m.coordinator_id, kind=m.kind,
            text=m.payload, attempts=m.attempts, created_at=m.created_at, intake_id=m.intake_id,
        )
        for m, chat_id in rows
    ]


def claim_messages(
    session: Session, now: datetime | None = None, limit: int = 20, lease: timedelta = CLAIM_LEASE,
) -> list[PendingMessage]:
    """Claim due messages for this sender (for `lease`), in order; commits the claim.

    Per coordinator (one Telegram chat), messages go out in the order they were written: a
    sender takes the coordinator (its row locked with SKIP LOCKED on PostgreSQL, so another
    sender moves on to other coordinators) and claims the leading run of due, unclaimed
    messages, stopping at the first one that waits (backoff) or is claimed by someone else.
    The claim itself is a conditional update, so a row is never claimed twice.
    Only active coordinators with a private Telegram chat id get messages; others wait.
    """
    now = ensure_aware(now) if now else utcnow()
    has_due = sa.exists().where(
        OutboxMessage.coordinator_id == Coordinator.id, OutboxMessage.sent_at.is_(None),
        OutboxMessage.blocked_at.is_(None), OutboxMessage.next_attempt_at <= now,
    )
    postgresql = session.get_bind().dialect.name == "postgresql"
    claimed: list[PendingMessage] = []
    last_id = 0
    try:
        while len(claimed) < limit:
            # One coordinator at a time, so a sender locks only the chats it serves.
            next_coordinator = (
                sa.select(Coordinator.id, Coordinator.telegram_chat_id)
                .where(Coordinator.id > last_id, Coordinator.telegram_chat_id > 0,  # private chats only
                       Coordinator.active.is_(True), has_due)
                .order_by(Coordinator.id).limit(1)
            )
            if postgresql:
                next_coordinator = next_coordinator.with_for_update(skip_locked=True)
            row = session.execute(next_coordinator).first()
            if row is None:
                break
            coordinator_id, chat_id = row
            last_id = coordinator_id
            queue = session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.coordinator_id == coordinator_id, OutboxMessage.sent_at.is_(None),
                       OutboxMessage.blocked_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(limit - len(claimed))
                .execution_options(populate_existing=True)
            ).all()
            for m in queue:
                if m.next_attempt_at > now or (m.claimed_until is not None and m.claimed_until >= now):
                    break  # an earlier message waits: the later ones wait behind it
                result = session.execute(
                    sa.update(OutboxMessage)
                    .where(OutboxMessage.id == m.id, OutboxMessage.sent_at.is_(None),
                           sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
                    .values(claimed_until=now + lease)
                    .execution_options(synchronize_session=False)
                )
                if rowcount(result) != 1:
                    break
                claimed.append(PendingMessage(
                    id=m.id, chat_id=int(chat_id), coordinator_id=m.coordinator_id, kind=m.kind,
                    text=m.payload, attempts=m.attempts, created_at=m.created_at, intake_id=m.intake_id))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return claimed


def release_claims(session: Session, message_ids: list[int]) -> None:
    """Give back claimed messages that were not tried (e.g. an earlier one of the chat failed)."""
    if message_ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.sent_at.is_(None))
            .values(claimed_until=None)
        )
    session.commit()


def mark_sent(session: Session, message_id: int, now: datetime | None = None) -> None:
    now = ensure_aware(now) if now else utcnow()
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .values(sent_at=now, attempts=OutboxMessage.attempts + 1, last_error=None, claimed_until=None)
    )
    session.commit()


def mark_blocked(session: Session, message_id: int, error: str | BaseException,
                 now: datetime | None = None) -> None:
    """Telegram refused for good (403: the coordinator blocked the bot): stop the retries.

    The coordinator's other unsent messages are held back as well; setting the chat id again
    (`tnw coordinators set-chat-id`) releases them.
    """
    now = ensure_aware(now) if now else utcnow()
    message = session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None:
        session.rollback()
        return
    message.attempts = (message.attempts or 0) + 1
    message.last_error = str(error)[:ERROR_MAX] or type(error).__name__
    message.claimed_until = None
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.coordinator_id == message.coordinator_id, OutboxMessage.sent_at.is_(None),
               OutboxMessage.blocked_at.is_(None))
        .values(blocked_at=now)
    )
    session.commit()


def unblock_coordinator(session: Session, coordinator_id: int) -> int:
    """Let a coordinator's blocked messages go again (in the caller's transaction)."""
    return rowcount(session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.coordinator_id == coordinator_id, OutboxMessage.sent_at.is_(None),
               OutboxMessage.blocked_at.is_not(None))
        .values(blocked_at=None)
    )) or 0


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
    message.claimed_until = None
    session.commit()
    return message.next_attempt_at


def outbox_stats(session: Session) -> dict[str, int]:
    """Counts for monitoring: pending, failing (pending with errors), blocked (403), sent."""
    pending = session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))
    )
    failing = session.scalar(
        sa.select(sa.func.count()).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0
        )
    )
    blocked = session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None), OutboxMessage.blocked_at.is_not(None))
    )
    sent = session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_not(None)))
    return {"pending": pending or 0, "failing": failing or 0, "blocked": blocked or 0, "sent": sent or 0}


def blocked_coordinators(session: Session) -> list[tuple[int, str, int]]:
    """(coordinator id, name, blocked messages) for `tnw outbox status`."""
    return [tuple(row) for row in session.execute(
        sa.select(Coordinator.id, Coordinator.name, sa.func.count(OutboxMessage.id))
        .join(OutboxMessage, OutboxMessage.coordinator_id == Coordinator.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.blocked_at.is_not(None))
        .group_by(Coordinator.id, Coordinator.name).order_by(Coordinator.id)
    ).all()]


__all__ = [
    "KIND_CANCELLED", "KIND_NEW", "KIND_RESCHEDULED", "PendingMessage", "backoff_delay",
    "blocked_coordinators", "claim_messages", "enqueue", "mark_blocked", "mark_failed",
    "mark_sent", "outbox_stats", "pending_messages", "release_claims", "unblock_coordinator",
]
