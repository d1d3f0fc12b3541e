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


def test_the_server_secrets_are_generated_private_and_distinct(settings):
    for name in ("webhook_secret", "action_token"):
        path = settings.data_dir / "secrets" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(path.read_text()) >= 32
    values = {settings.rasa_auth_token, settings.sender_secret, settings.webhook_secret, settings.action_token}
    assert len(values) == 4
    assert load_settings().action_token == settings.action_token


def test_loopback_needs_no_operator_secrets(settings):
    import dataclasses

    from tnw.config import exposure_problem

    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert exposure_problem(dataclasses.replace(settings, rasa_host=host), environ={}) is None


def test_a_network_interface_needs_every_server_secret_set(settings):
    import dataclasses

    from tnw.config import SERVER_SECRETS, exposure_problem

    exposed = dataclasses.replace(settings, rasa_host="0.0.0.0")
    problem = exposure_problem(exposed, environ={"RASA_AUTH_TOKEN": "x" * 32, "TNW_WEBHOOK_SECRET": "short"})
    assert "TNW_WEBHOOK_SECRET" in problem and "TNW_ACTION_TOKEN" in problem and "RASA_AUTH_TOKEN" not in problem
    assert exposure_problem(exposed, environ={name: "x" * 32 for name in SERVER_SECRETS}) is None
    assert exposure_problem(dataclasses.replace(settings, rasa_host="rasa.example"), environ={})


def test_servers_can_be_told_not_to_read_the_dotenv_file(settings, monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=from-dotenv\n")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("TNW_SKIP_DOTENV", "1")
    assert load_settings(env_file).telegram_bot_token is None
    monkeypatch.delenv("TNW_SKIP_DOTENV")
    assert load_settings(env_file).telegram_bot_token == "from-dotenv"
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")  # load_dotenv put it in os.environ
