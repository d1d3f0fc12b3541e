from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intake import db as intake_db
from intake.models import Base


def _ours_only(name, type_, parent_names):
    # Other tests share the PostgreSQL schema (e.g. Rasa's `events` table); judge only our tables.
    return type_ != "table" or name in Base.metadata.tables


def _diff(url):
    engine = intake_db.make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "version_table": intake_db.VERSION_TABLE,
                                  "include_name": _ours_only})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_models_and_migrations_agree(any_url):
    assert _diff(any_url) == []
    assert intake_db.current_revision(any_url) == "0003"


def test_diff_is_detected(sqlite_url):
    """The comparison can fail: drop an index and it must notice."""
    engine = intake_db.make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP INDEX uq_intakes_booked_slot"))
    engine.dispose()
    assert _diff(sqlite_url) != []


def test_downgrade_and_upgrade_again(sqlite_url):
    engine = intake_db.make_engine(sqlite_url)
    with engine.begin() as connection:
        cfg = intake_db.alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")
    assert set(sa.inspect(engine).get_table_names()) == {intake_db.VERSION_TABLE}
    engine.dispose()
    intake_db.upgrade(sqlite_url)
    assert _diff(sqlite_url) == []
