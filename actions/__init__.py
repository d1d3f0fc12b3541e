"""Rasa custom actions, served by the action server (`python -m rasa_addons.action_server --actions actions`).

rasa_sdk imports every module of this package and registers each Action subclass it finds.

The action server's start-up (rasa_addons/action_server.py) reads the settings once and calls
`configure(settings)`; the actions take them from `current_settings()`.
"""
from __future__ import annotations

from intake.db import set_default_database
from settings import Settings, load_settings

_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """The start-up: the settings every action uses, and the intake database they book in."""
    global _settings
    _settings = settings
    set_default_database(settings.database_url)


def current_settings() -> Settings:
    """The settings of the start-up; without one (unit tests, a script), read them now."""
    return _settings if _settings is not None else load_settings()
