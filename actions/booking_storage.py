"""The intake store as the actions use it: one session per piece of work, and who is asking.

`with_session` is the only way the actions open a database session. A database failure becomes
`StorageProblem` (logged with its type only, never with data), which the actions answer with an
apology and a way to reach a coordinator without the assistant.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from rasa_sdk import Tracker
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions import texts
from actions.booking_slots import UNKNOWN_MUTUALITEIT
from intake import contact_route
from intake.db import default_session_factory
from intake.validation import validate_sender_id

log = logging.getLogger(__name__)
T = TypeVar("T")


class StorageProblem(Exception):
    """The intake database could not be used; the person gets an apology and a contact route."""


def with_session(work: Callable[[Session], T]) -> T:
    """Run `work` in a fresh session; database failures become StorageProblem (logged without data)."""
    try:
        with default_session_factory()() as session:
            return work(session)
    except SQLAlchemyError as exc:
        log.warning("Intake database problem: %s", type(exc).__name__)
        raise StorageProblem() from exc


def sender_of(tracker: Tracker) -> str:
    """The pseudonymous sender id (the front ends never send a real user id); ValidationError if malformed."""
    return validate_sender_id(tracker.sender_id)


def fund(mutualiteit: str | None) -> str | None:
    """The ziekenfonds to search coordinators for: None when the person did not know it."""
    return None if mutualiteit == UNKNOWN_MUTUALITEIT else mutualiteit


def contact_text(mutualiteit: str | None) -> str:
    """The coordinator contact route for a ziekenfonds, and a general one when the database is down."""
    try:
        return with_session(lambda s: contact_route(s, fund(mutualiteit)))
    except StorageProblem:
        return texts.GENERIC_CONTACT
