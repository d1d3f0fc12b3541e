"""rasa_addons runs inside the Rasa server; its checks run under the engine's Python,
on SQLite and, when a server answers, on PostgreSQL (in a schema of their own)."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import engine_checks
import pytest
import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = PROJECT / ".venv" / "engine" / "bin" / "python"
CHECKS = [name for name in vars(engine_checks) if name.startswith("check_")]
# The store checks also run on PostgreSQL; the schema and NLU checks touch no store.
STORE_CHECKS = [name for name in CHECKS if "schema" not in name and "guard" not in name]

pytestmark = pytest.mark.skipif(not ENGINE_PYTHON.exists(),
                                reason="the engine environment is not installed (make install)")


def run_check(check: str, data_dir: Path, **env: str) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONWARNINGS": "ignore", **env}
    result = subprocess.run(
        [str(ENGINE_PYTHON), str(Path(engine_checks.__file__)), check, str(data_dir)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


@pytest.mark.parametrize("check", CHECKS)
def test_engine_check_on_sqlite(check, tmp_path):
    run_check(check, tmp_path)


@pytest.fixture
def pg_tracker_schema(pg_server):
    """A fresh schema for Rasa's events table; Rasa's engine uses psycopg2 ("postgresql://")."""
    schema = f"tnw_tracker_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(pg_server).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        yield url, schema
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize("check", STORE_CHECKS)
def test_engine_check_on_postgresql(check, tmp_path, pg_tracker_schema):
    url, schema = pg_tracker_schema
    run_check(check, tmp_path, ENGINE_CHECK_TRACKER_URL=url, POSTGRESQL_SCHEMA=schema)
