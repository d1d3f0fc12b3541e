"""Shared fixtures: every test gets its own data folder; trained models are a shared cache."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tnw.config import PROJECT_DIR, Settings, load_settings


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("TNW_DATA_DIR", str(tmp_path / "var"))
    # The model cache is keyed by a fingerprint of the training data, so sharing it is safe.
    monkeypatch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
    for name in ("RASA_AUTH_TOKEN", "TNW_SENDER_SECRET", "DATABASE_URL", "TRACKER_STORE_URL",
                 "TELEGRAM_BOT_TOKEN", "TNW_RASA_PORT", "TNW_ACTION_PORT"):
        monkeypatch.delenv(name, raising=False)
    return load_settings()


DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL URL (TEST_DATABASE_URL or the local server), or skip when none answers."""
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no usable server"
        shown = sa.make_url(url).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {shown} (set TEST_DATABASE_URL): {exc.__class__.__name__}")
    finally:
        engine.dispose()
    return url
