from __future__ import annotations

import stat

import pytest

from tnw.config import load_settings, local_secret


def test_defaults_put_everything_under_the_data_dir(settings, tmp_path):
    data = tmp_path / "var"
    assert settings.data_dir == data
    assert settings.database_url == f"sqlite:///{data / 'db' / 'tnw.db'}"
    assert settings.tracker_store_url == f"sqlite:///{data / 'db' / 'tracker.db'}"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_server_url == "http://127.0.0.1:5055/webhook"
    assert settings.telegram_bot_token is None


def test_generated_secrets_are_private_and_stable(settings):
    path = settings.data_dir / "secrets" / "rasa_auth_token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings().rasa_auth_token == settings.rasa_auth_token
    assert settings.rasa_auth_token != settings.sender_secret
    assert len(settings.rasa_auth_token) >= 32


def test_environment_overrides_defaults(settings, monkeypatch):
    monkeypatch.setenv("RASA_AUTH_TOKEN", "from-env")
    monkeypatch.setenv("TNW_RASA_PORT", "6005")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    overridden = load_settings()
    assert overridden.rasa_auth_token == "from-env"
    assert overridden.rasa_url == "http://127.0.0.1:6005"
    assert overridden.database_url == "postgresql+psycopg://u@h/db"


def test_a_bad_port_names_the_variable(settings, monkeypatch):
    monkeypatch.setenv("TNW_RASA_PORT", "vijf")
    with pytest.raises(ValueError, match="TNW_RASA_PORT"):
        load_settings()


def test_local_secret_replaces_an_empty_file(tmp_path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "x").write_text("")
    assert local_secret(tmp_path, "x")
