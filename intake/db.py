"""Engines, sessions and migrations for the intake database (SQLite or PostgreSQL).

SQLite (the embedded default) is set up for several processes at once: WAL journal (readers do
not block the writer), foreign keys on, and a busy timeout so a locked database waits instead of
failing at once. Writes still happen one at a time, which is plenty for a chat assistant.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "intake_alembic_version"  # own name: the database may be shared with others
SQLITE_BUSY_TIMEOUT_MS = 15_000


def rowcount(result: sa.Result[Any]) -> int:
    """The number of rows an UPDATE or DELETE matched.

    `Session.execute` returns a `CursorResult` for those statements, but is typed as returning
    a plain `Result`, which has no `rowcount`.
    """
    return cast("sa.CursorResult[Any]", result).rowcount


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def make_engine(url: str | sa.URL, **kwargs) -> Engine:
    """Create an engine for `url`; SQLite files get their directory, WAL and a busy timeout.

    SQL parameters are left out of log lines and error messages (`hide_parameters`): they
    hold names and phone numbers, which must not end up in logs.
    """
    parsed = make_url(url)
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        connect_args = dict(kwargs.pop("connect_args", {}) or {})
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = sa.create_engine(parsed, connect_args=connect_args, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(parsed, **kwargs)


def session_factory(url_or_engine: str | sa.URL | Engine) -> sessionmaker[Session]:
    """A session factory; objects stay readable after commit (expire_on_commit=False).

    Create it once per process and open one short session per request:

        Session = session_factory(settings.database_url)
        with Session() as session:
            book_intake(session, ...)
    """
    engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
    return sessionmaker(bind=engine, expire_on_commit=False)


@lru_cache(maxsize=4)
def _cached_factory(url: str) -> sessionmaker[Session]:
    return session_factory(url)


_default_database: str | None = None


def set_default_database(url: str | None) -> None:
    """Choose the database of `default_session_factory()`; None forgets it.

    Called once by a process's start-up with its settings' database URL (the action server:
    `actions.configure`); this package never reads the settings itself.
    """
    global _default_database
    _default_database = url


def default_session_factory() -> sessionmaker[Session]:
    """The process-wide session factory for the database chosen with `set_default_database`."""
    if _default_database is None:
        raise RuntimeError("No default intake database: the process's start-up calls "
                           "intake.db.set_default_database(settings.database_url)")
    return _cached_factory(_default_database)


def alembic_config(url: str | sa.URL | None = None) -> Config:
    """An Alembic config built in code (no alembic.ini), pointing at intake/migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("version_table", VERSION_TABLE)
    if url is not None:
        rendered = make_url(url).render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


def upgrade(url: str | sa.URL | Engine, revision: str = "head") -> None:
    """Bring the database schema to `revision` (default: the newest)."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        if engine is not url:
            engine.dispose()


def current_revision(url: str | sa.URL | Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.connect() as connection:
            ctx = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return ctx.get_current_revision()
    finally:
        if engine is not url:
            engine.dispose()
