"""The action server's start-up reads the settings once and hands them to the actions."""
from __future__ import annotations

import pytest

import actions
from intake import db as intake_db
from rasa_addons import action_server


@pytest.fixture
def start_up(settings, monkeypatch):
    """Run action_server.main() up to the point where rasa_sdk would start serving."""
    from rasa_sdk import __main__ as sdk_main
    from rasa_sdk import endpoint
    from rasa_sdk.executor import ActionExecutor

    # main() patches these for the server's process; undo that after the test.
    monkeypatch.setattr(endpoint, "create_app", endpoint.create_app)
    monkeypatch.setattr(ActionExecutor, "run", ActionExecutor.run)
    monkeypatch.setattr(actions, "_settings", None)
    monkeypatch.setattr(intake_db, "_default_database", None)
    seen = {}
    monkeypatch.setattr(sdk_main, "main", lambda: seen.update(settings=actions.current_settings(),
                                                                database=intake_db._default_database))
    return seen


def test_the_start_up_configures_the_actions(start_up, settings):
    action_server.main()
    assert start_up["settings"] == settings
    assert start_up["database"] == settings.database_url
    assert actions.current_settings() is start_up["settings"]  # read once: no new read per call


def test_bad_settings_stop_the_start_up_naming_the_variable(start_up, monkeypatch, caplog):
    monkeypatch.setenv("TNW_ACTION_PORT", "vijf")
    with pytest.raises(SystemExit) as stopped:
        action_server.main()
    assert stopped.value.code == 1 and "settings" not in start_up
    assert "TNW_ACTION_PORT must be a whole number, got 'vijf'" in caplog.text


def test_without_a_start_up_the_actions_read_the_settings_when_asked(settings, monkeypatch):
    monkeypatch.setattr(actions, "_settings", None)
    monkeypatch.setenv("TNW_KEEP_CONVERSATIONS_DAYS", "30")
    assert actions.current_settings().keep_conversations_days == 30
