"""Refuse to run with a new pseudonym key against data stored under the old one.

The first start stores a one-way fingerprint of the key (HMAC of a fixed label); every later
start compares. A different key while intakes, consents or pending erasures exist would make
that data unreachable for its owners (they could not see or erase it), so it is an error with a
clear message, not a warning.
"""
from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .errors import IntakeError
from .models import Consent, Intake, KeyFingerprint, PendingErasure
from .timeutil import utcnow

PSEUDONYM_KEY = "pseudonym_key"
_LABEL = b"tnw-assistent pseudonym key check"


class KeyMismatch(IntakeError):
    """The configured key is not the one the stored data was written with."""


def fingerprint(key: str) -> str:
    return hmac.new(key.encode(), _LABEL, hashlib.sha256).hexdigest()


def _holds_personal_data(session: Session) -> bool:
    return any(session.scalar(sa.select(sa.func.count()).select_from(model))
               for model in (Intake, Consent, PendingErasure))


def check_pseudonym_key(session: Session, key: str) -> None:
    """Store the key's fingerprint the first time; raise KeyMismatch when it changed under data."""
    stored = session.get(KeyFingerprint, PSEUDONYM_KEY)
    current = fingerprint(key)
    if stored is None:
        session.add(KeyFingerprint(name=PSEUDONYM_KEY, fingerprint=current, created_at=utcnow()))
        session.commit()
        return
    if hmac.compare_digest(stored.fingerprint, current):
        return
    if _holds_personal_data(session):
        raise KeyMismatch(
            "The pseudonym key (TNW_SENDER_SECRET) is not the one the stored data was written with: "
            "people could no longer see or erase their intakes. Set the old key again, or empty the "
            "intake database on purpose first."
        )
    stored.fingerprint = current  # nothing stored under the old key: the new one takes over
    session.commit()
