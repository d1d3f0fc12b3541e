"""A new pseudonym key against old data stops the start; the key itself is never stored."""
from __future__ import annotations

import pytest

from intake.key_check import KeyMismatch, check_pseudonym_key, fingerprint
from intake.models import KeyFingerprint
from intake.privacy import give_consent

OLD_KEY = "o" * 43
NEW_KEY = "n" * 43


def test_first_start_stores_a_fingerprint_not_the_key(session):
    check_pseudonym_key(session, OLD_KEY)
    stored = session.get(KeyFingerprint, "pseudonym_key")
    assert stored.fingerprint == fingerprint(OLD_KEY) and OLD_KEY not in stored.fingerprint
    check_pseudonym_key(session, OLD_KEY)  # the same key again: fine


def test_a_new_key_with_stored_data_is_refused(session):
    check_pseudonym_key(session, OLD_KEY)
    give_consent(session, "telegram-" + "a" * 24)
    with pytest.raises(KeyMismatch, match="TNW_SENDER_SECRET"):
        check_pseudonym_key(session, NEW_KEY)
    check_pseudonym_key(session, OLD_KEY)  # the old key still works


def test_a_new_key_on_an_empty_database_takes_over(session):
    check_pseudonym_key(session, OLD_KEY)
    check_pseudonym_key(session, NEW_KEY)
    assert session.get(KeyFingerprint, "pseudonym_key").fingerprint == fingerprint(NEW_KEY)
