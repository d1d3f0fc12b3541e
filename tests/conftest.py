"""Shared fixtures: every test gets its own data folder; trained models are a shared cache."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from intake import db as intake_db
from settings import PROJECT_DIR, Settings, load_settings


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("TNW_DATA_DIR", str(tmp_path / "var"))
    # The model cache is keyed by a fingerprint of the training data, so sharing it is safe.
    monkeypatch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
    for name in ("RASA_AUTH_TOKEN", "TNW_SENDER_SECRET", "DATABASE_URL", "TRACKER_STORE_URL",
                 "TELEGRAM_BOT_TOKEN", "TNW_RASA_PORT", "TNW_ACTION_PORT"):
        monkeypatch.delenv(name, raising=False)
    loaded = load_settings()
    # What a process's start-up does with its settings (the action server: actions.configure).
    monkeypatch.setattr(intake_db, "_default_database", loaded.database_url)
    return loaded


# Fixtures that load the real sentence-transformers model: their tests are marked `embedding`.
EMBEDDING_FIXTURES = {"real_kb"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if EMBEDDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.embedding)


@pytest.fixture(autouse=True)
def embedding_model_only_when_marked(request, monkeypatch):
    """`make test-fast` skips the `embedding` tests; this keeps the mark honest: a test without
    it that loads the real model fails and says so (an earlier marked test may have loaded it
    already in a full run, which is why the check is made here and not by timing)."""
    if request.node.get_closest_marker("embedding") or request.node.get_closest_marker("integration"):
        yield
        return
    from knowledge_base import embeddings

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"{request.node.nodeid} loads the real embedding model: mark it "
                             "@pytest.mark.embedding (or use the fake embedder)")

    monkeypatch.setattr(embeddings.Embedder, "__init__", refuse)
    yield


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
