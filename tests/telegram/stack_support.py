"""Starting the real Rasa + action servers on free ports (tests and the benchmark).

Same pattern as tests/integration/test_stack.py. When the working tree's training data does
not train (another engineer's work in progress), the model of the last commit's training
data is trained instead (exported read-only with `git archive`, trained in a private folder,
cached there) and a warning says so: the front end is then still tested against a real Rasa.
"""
from __future__ import annotations

import contextlib
import dataclasses
import socket
import subprocess
import tempfile
import uuid
import warnings
from pathlib import Path

from settings import PROJECT_DIR, load_settings
from tnw import engine
from tnw.processes import free_port, port_in_use
from tnw.stack import backend

COMMITTED_INPUTS = ("config.yml", "nlu", "requirements/engine.lock", "endpoints.yml", "credentials.yml")


def committed_model(settings) -> Path:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True,
                            check=True).stdout.strip()
    snapshot = Path(tempfile.gettempdir()) / "tnw-committed-model" / commit[:12]
    if not (snapshot / "config.yml").exists():
        snapshot.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", commit, *COMMITTED_INPUTS],
                                 cwd=PROJECT_DIR, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
    if not (snapshot / ".venv").exists():
        (snapshot / ".venv").symlink_to(PROJECT_DIR / ".venv")  # the engine environment
    snap_settings = dataclasses.replace(settings, project_dir=snapshot, models_dir=snapshot / "models")
    return engine.train(snap_settings, echo=lambda _line: None)


def model_for(settings) -> Path:
    try:
        return engine.train(settings, echo=lambda _line: None)
    except engine.TrainingError as exc:
        model = committed_model(settings)
        warnings.warn(f"The working tree does not train ({exc}); using the last commit's model {model}",
                      stacklevel=2)
        return model


def seed_database(settings, coordinator_chats: dict[str, int] | None = None) -> None:
    from intake.db import session_factory, upgrade
    from intake.seed import seed_demo_data

    upgrade(settings.database_url)
    with session_factory(settings.database_url)() as session:
        # Test data on purpose, also with the fake Bot API token set.
        seed_demo_data(session, telegram_chat_ids=coordinator_chats or {}, telegram_token=None)


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports on loopback (N Rasa servers use them)."""
    for _ in range(100):
        first = free_port()
        if all(not port_in_use("127.0.0.1", first + step) for step in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    """Whether the machine's Redis answers PING (the production profile's lock store)."""
    try:
        with socket.create_connection(REDIS, timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def production_services(pg_admin_url: str, *, redis_db: int = 5):
    """Fresh PostgreSQL databases (intakes, conversations) and a Redis database for the
    production profile; yields the environment that points the stack at them."""
    import sqlalchemy as sa

    names = [f"tnw_prod_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("intake", "tracker")]
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server = sa.make_url(pg_admin_url)
    try:
        yield {
            "TNW_PROFILE": "production",
            "DATABASE_URL": server.set(database=names[0]).render_as_string(hide_password=False),
            # Rasa's engine uses psycopg2 ("postgresql://").
            "TRACKER_STORE_URL": server.set(drivername="postgresql", database=names[1])
            .render_as_string(hide_password=False),
            "LOCK_STORE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{redis_db}",
        }
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def start_stack(patch, data_dir: Path, *, coordinator_chats: dict[str, int] | None = None,
                env: dict[str, str] | None = None):
    """Yields (settings, process group); `patch` is a pytest MonkeyPatch (or compatible).

    `env` adds settings (the production profile's, say: production_services); by default the
    embedded profile with its own SQLite files under `data_dir`.
    """
    patch.setenv("TNW_DATA_DIR", str(data_dir / "var"))
    patch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
    for name in ("RASA_AUTH_TOKEN", "TRACKER_STORE_URL", "DATABASE_URL", "TNW_SENDER_SECRET",
                 "TNW_WEBHOOK_SECRET", "TNW_ACTION_TOKEN", "TNW_PROFILE", "LOCK_STORE_URL"):
        patch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        patch.setenv(name, value)
    servers = int((env or {}).get("TNW_RASA_SERVERS", "1"))
    patch.setenv("TNW_RASA_PORT", str(free_ports(servers)))
    patch.setenv("TNW_ACTION_PORT", str(free_port()))
    settings = load_settings()
    model = model_for(settings)
    seed_database(settings, coordinator_chats)
    group = backend(settings, model)
    with group:
        yield settings, group
