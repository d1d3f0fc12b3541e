"""Questions the assistant could not answer ("gaps"), for the coordinators' list.

Only the question is kept, scrubbed of e-mail addresses and phone/account/national numbers;
no sender id, so the list cannot be traced back to a person.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import UnansweredQuestion
from .timeutil import ensure_aware, format_when_short, utcnow
from .validation import clean_text, scrub_personal_data


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


def record_unanswered_question(
    session: Session, text: str, *, intent: str | None = None, measure: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Store a scrubbed question; returns its id, or None if nothing was left. Commits."""
    clean = scrub_personal_data(text)
    if not clean:
        return None
    now = ensure_aware(now) if now else utcnow()
    question = UnansweredQuestion(
        text=clean, created_at=now,
        intent_guess=clean_text(intent, max_len=100), measure_guess=clean_text(measure, max_len=100),
    )
    session.add(question)
    session.commit()
    return question.id


def unanswered_questions(
    session: Session, *, now: datetime | None = None, days: int = 7, limit: int = 50
) -> list[Gap]:
    """Questions of the last `days` days (default: this past week), newest first."""
    now = ensure_aware(now) if now else utcnow()
    rows = session.scalars(
        sa.select(UnansweredQuestion)
        .where(UnansweredQuestion.created_at >= now - timedelta(days=days))
        .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
        .limit(limit)
    ).all()
    return [Gap(r.id, r.text, r.intent_guess, r.measure_guess, r.created_at) for r in rows]
