"""Shared fixtures: every test gets its own data folder; trained models are a shared cache."""
from __future__ import annotations

import pytest

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
