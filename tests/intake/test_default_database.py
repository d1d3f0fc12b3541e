"""The process-wide session factory uses the database the start-up chose, never the environment."""
from __future__ import annotations

import pytest

from intake import db as intake_db


def test_without_a_chosen_database_it_says_what_to_do(monkeypatch):
    monkeypatch.setattr(intake_db, "_default_database", None)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///ignored.db")  # not read here
    with pytest.raises(RuntimeError, match="set_default_database"):
        intake_db.default_session_factory()


def test_the_chosen_database_is_used_and_its_factory_shared(sqlite_url, monkeypatch):
    monkeypatch.setattr(intake_db, "_default_database", None)
    intake_db.set_default_database(sqlite_url)
    factory = intake_db.default_session_factory()
    assert factory is intake_db.default_session_factory()
    assert str(factory.kw["bind"].url) == sqlite_url
