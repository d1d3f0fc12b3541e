from __future__ import annotations

import stat

import pytest

from settings import PROJECT_DIR, SettingsError, load_settings, local_secret


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

    from settings import exposure_problem

    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert exposure_problem(dataclasses.replace(settings, rasa_host=host), environ={}) is None


def test_a_network_interface_needs_every_server_secret_set(settings):
    import dataclasses

    from settings import SERVER_SECRETS, exposure_problem

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


def test_the_other_defaults(settings):
    assert settings.project_dir == PROJECT_DIR
    assert settings.logs_dir == settings.data_dir / "logs" and settings.index_dir == settings.data_dir / "index"
    assert settings.demo_data is True  # the embedded default, without DATABASE_URL
    assert (settings.startup_timeout, settings.rasa_timeout) == (300, 30)
    assert settings.embedding_model is None and settings.telegram_webhook_url is None
    assert (settings.profile, settings.rasa_servers, settings.lock_store_url) == ("embedded", 1, None)
    assert settings.compact_after_events == 60 and settings.rasa_urls == ["http://127.0.0.1:5005"]
    retention = (settings.keep_intakes_days, settings.keep_conversations_days, settings.keep_gaps_days,
                 settings.keep_logs_days)
    assert retention == (365, 90, 90, 30)
    assert (settings.torch_threads, settings.embedding_int8) == (1, False)


def test_typed_values_from_the_environment(settings, monkeypatch):
    for name, value in {"TNW_PROFILE": "production", "TNW_RASA_SERVERS": " 3 ", "TNW_DEMO_DATA": "no",
                        "LOCK_STORE_URL": "redis://localhost:6379/0", "TNW_COMPACT_AFTER_EVENTS": "-5",
                        "TNW_TORCH_THREADS": "2", "TNW_EMBEDDING_INT8": "true", "DATABASE_URL": "sqlite:///x.db"}.items():
        monkeypatch.setenv(name, value)
    loaded = load_settings()
    assert loaded.profile == "production" and loaded.rasa_servers == 3 and loaded.demo_data is False
    assert loaded.rasa_urls == ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]
    assert loaded.lock_store_url == "redis://localhost:6379/0" and loaded.compact_after_events == 0
    assert loaded.torch_threads == 2 and loaded.embedding_int8 is True
    monkeypatch.delenv("TNW_DEMO_DATA")
    assert load_settings().demo_data is False  # an operator's database: no demo coordinators


def test_an_empty_or_blank_value_is_unset(settings, monkeypatch):
    for name in ("TNW_RASA_PORT", "DATABASE_URL", "TNW_PROFILE", "TELEGRAM_BOT_TOKEN", "TNW_DEMO_DATA"):
        monkeypatch.setenv(name, "   " if name == "TNW_PROFILE" else "")
    loaded = load_settings()
    assert loaded.rasa_port == 5005 and loaded.database_url == settings.database_url
    assert loaded.profile == "embedded" and loaded.telegram_bot_token is None and loaded.demo_data is True


def test_one_clear_error_per_bad_variable(settings, monkeypatch):
    bad = {"TNW_RASA_PORT": "abc", "TNW_PROFILE": "groot", "TNW_DEMO_DATA": "misschien",
           "TNW_KEEP_LOGS_DAYS": "0", "TNW_ACTION_PORT": "5055"}
    for name, value in bad.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert sorted(raised.value.problems) == [
        "TNW_DEMO_DATA must be 1 or 0 (or true/false, yes/no), got 'misschien'",
        "TNW_KEEP_LOGS_DAYS must be at least 1, got '0'",
        "TNW_PROFILE must be one of embedded, production, got 'groot'",
        "TNW_RASA_PORT must be a whole number, got 'abc'",
    ]
    assert str(raised.value).count("\n") == 3  # one line each
    assert isinstance(raised.value, ValueError)


def test_settings_are_immutable(settings):
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.rasa_port = 1  # type: ignore[misc]
    assert dataclasses.replace(settings, rasa_port=6000).rasa_url == "http://127.0.0.1:6000"
