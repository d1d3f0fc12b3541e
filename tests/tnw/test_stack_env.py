"""What each server process is given: its own secrets in its environment, nothing else."""
from __future__ import annotations

import dataclasses

import pytest

from tnw.processes import StartupError, child_environment
from tnw.stack import action_server, backend, rasa_server


@pytest.fixture
def with_telegram(settings, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:very-secret-bot-token")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "webhook-of-telegram")
    monkeypatch.setenv("TNW_EMBEDDING_MODEL", "/models/minilm")
    return dataclasses.replace(settings, telegram_bot_token="123456:very-secret-bot-token")


def full_env(proc) -> dict[str, str]:
    return child_environment(proc.env)


def test_no_secret_is_on_a_command_line(with_telegram):
    settings = with_telegram
    secrets = (settings.rasa_auth_token, settings.webhook_secret, settings.action_token, settings.sender_secret)
    for proc in (action_server(settings), rasa_server(settings, settings.models_dir / "m.tar.gz")):
        command = " ".join(proc.command)
        assert not any(secret in command for secret in secrets), proc.name


def test_the_rasa_server_gets_its_secrets_and_not_the_telegram_token(with_telegram):
    settings = with_telegram
    env = full_env(rasa_server(settings, settings.models_dir / "m.tar.gz"))
    assert env["TNW_RASA_AUTH_TOKEN"] == settings.rasa_auth_token
    assert env["TNW_WEBHOOK_SECRET"] == settings.webhook_secret
    assert env["TNW_ACTION_TOKEN"] == settings.action_token
    assert not any(name.startswith("TELEGRAM_") for name in env)
    assert "TNW_SENDER_SECRET" not in env and "RASA_AUTH_TOKEN" not in env
    assert settings.telegram_bot_token not in env.values()


def test_the_action_server_gets_its_token_and_settings_only(with_telegram):
    settings = with_telegram
    proc = action_server(settings)
    env = full_env(proc)
    assert proc.command[1:3] == ["-m", "rasa_addons.action_server"]
    assert env["TNW_ACTION_TOKEN"] == settings.action_token
    assert env["DATABASE_URL"] == settings.database_url and env["TNW_DATA_DIR"] == str(settings.data_dir)
    assert env["TNW_EMBEDDING_MODEL"] == "/models/minilm"  # non-secret settings are passed on
    assert env["TNW_SKIP_DOTENV"] == "1"
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TNW_WEBHOOK_SECRET", "TNW_RASA_AUTH_TOKEN",
                 "RASA_AUTH_TOKEN", "TNW_SENDER_SECRET"):
        assert name not in env


def test_a_network_interface_without_secrets_does_not_start(settings, monkeypatch):
    for name in ("RASA_AUTH_TOKEN", "TNW_WEBHOOK_SECRET", "TNW_ACTION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(StartupError, match="TNW_HOST=0.0.0.0 is not a loopback address"):
        backend(dataclasses.replace(settings, rasa_host="0.0.0.0"), settings.models_dir / "m.tar.gz")
