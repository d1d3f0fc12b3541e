"""Questions the assistant could not answer ("gaps"), for the coordinators' list.

Only the question is kept, scrubbed by `intake.scrub` (names, phone numbers, e-mail addresses,
national and account numbers, street addresses and health details are removed).

Who sees a question (`unanswered_questions(..., mutualiteit=...)`):
- coordinators of the ziekenfonds the conversation booked with (the coordinator's own);
- every coordinator, when the question is anonymous: not linked to a booking, and the
  scrubber found nothing personal in it.
To know whether a conversation books later, the sender id is kept on the row only for
`LINK_WINDOW` (or until the booking); after that the row cannot be traced back to anyone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import rowcount
from .models import Coordinator, Intake, Slot, UnansweredQuestion
from .scrub import scrub
from .timeutil import ensure_aware, format_when_short, utcnow
from .validation import clean_text, validate_sender_id

LINK_WINDOW = timedelta(hours=24)
EVERYONE = object()  # unanswered_questions(mutualiteit=EVERYONE): no visibility filter (operators)


@dataclass(frozen=True)
class Gap:
    id: int
    text: str
    intent_guess: str | None
    measure_guess: str | None
    created_at: datetime

    @property
    def line_nl(self) -> str:
        guess = f" [{self.measure_guess or self.intent_guess}]" if (self.measure_guess or self.intent_guess) else ""
        return f"{format_when_short(self.created_at)}: {self.text}{guess}"


def _booked_mutualiteit(session: Session, sender_id: str) -> str | None:
    """The ziekenfonds of the coordinator of this sender's newest intake, if any."""
    return session.scalar(
        sa.select(Coordinator.mutualiteit)
        .join(Slot, Slot.coordinator_id == Coordinator.id)
        .join(Intake, Intake.slot_id == Slot.id)
        .where(Intake.sender_id == sender_id)
        .order_by(Intake.created_at.desc(), Intake.id.desc()).limit(1)
    )


def record_unanswered_question(
    session: Session, text: str, *, intent: str | None = None, measure: str | None = None,
    now: datetime | None = None, sender_id: str | None = None,
) -> int | None:
    """Store a scrubbed question; returns its id, or None if nothing was left. Commits.

    `sender_id` (optional) links the question to the conversation's booking, for visibility.
    """
    result = scrub(text)
    if not result.text:
        return None
    now = ensure_aware(now) if now else utcnow()
    sender = validate_sender_id(sender_id) if sender_id else None
    mutualiteit = _booked_mutualiteit(session, sender) if sender else None
    question = UnansweredQuestion(
        text=result.text, created_at=now, personal=result.personal, mutualiteit=mutualiteit,
        sender_ref=sender if sender and mutualiteit is None else None,
        intent_guess=clean_text(intent, max_len=100), measure_guess=clean_text(measure, max_len=100),
    )
    session.add(question)
    session.commit()
    return question.id


def link_to_booking(session: Session, sender_id: str, mutualiteit: str, now: datetime) -> int:
    """In the booking's transaction: give this sender's recent questions the booking's
    ziekenfonds and forget the sender id on them. Does not commit."""
    result = session.execute(
        sa.update(UnansweredQuestion)
        .where(UnansweredQuestion.sender_ref == sender_id,
               UnansweredQuestion.created_at >= now - LINK_WINDOW)
        .values(mutualiteit=mutualiteit, sender_ref=None)
    )
    return rowcount(result) or 0


def unanswered_questions(
    session: Session, *, now: datetime | None = None, days: int = 7, limit: int = 50,
    mutualiteit: object = EVERYONE,
) -> list[Gap]:
    """Questions of the last `days` days (default: this past week), newest first.

    With `mutualiteit` (a coordinator's ziekenfonds): only what that coordinator may see.
    """
    now = ensure_aware(now) if now else utcnow()
    query = sa.select(UnansweredQuestion).where(UnansweredQuestion.created_at >= now - timedelta(days=days))
    if mutualiteit is not EVERYONE:
        anonymous = sa.and_(UnansweredQuestion.mutualiteit.is_(None), UnansweredQuestion.personal.is_(False))
        if mutualiteit is None:
            query = query.where(anonymous)
        else:
            query = query.where(sa.or_(UnansweredQuestion.mutualiteit == mutualiteit, anonymous))
    rows = session.scalars(
        query.order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc()).limit(limit)
    ).all()
    return [Gap(r.id, r.text, r.intent_guess, r.measure_guess, r.created_at) for r in rows]


def forget_sender(session: Session, sender_id: str) -> int:
    """Erasure: delete the questions still linked to this sender. Does not commit."""
    return rowcount(session.execute(
        sa.delete(UnansweredQuestion).where(UnansweredQuestion.sender_ref == sender_id)
    )) or 0
