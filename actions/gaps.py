"""Unanswered questions go to the intake database, scrubbed, for the coordinators' gap list."""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from intake.db import default_session_factory
from intake.errors import IntakeError
from intake.gaps import record_unanswered_question
from safety.crisis import assess

log = logging.getLogger(__name__)


def record_gap(text: str, *, intent: str | None, measure: str | None, sender_id: str | None = None) -> None:
    """Never fails the conversation: a database problem is logged (without the text).

    A message with signs of crisis is never logged: it is answered, not listed for review.
    `sender_id` (the pseudonymous tracker id) lets the coordinators of the ziekenfonds the
    conversation books with see the question; without it the question counts as anonymous.
    The scrubbing itself happens in `intake.gaps` (see `intake.scrub`).
    """
    if assess(text).is_crisis:
        return
    try:
        with default_session_factory()() as session:
            record_unanswered_question(session, text, intent=intent, measure=measure, sender_id=sender_id)
    except (SQLAlchemyError, IntakeError) as exc:
        log.warning("Could not record an unanswered question: %s", type(exc).__name__)
