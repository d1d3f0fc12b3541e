"""The bottom layer: settings from the environment (and `.env`), typed and checked.

It imports nothing of ours. Each entry point (the `tnw` command, the action server's start-up,
the Telegram front end) calls `load_settings()` once and passes the values it needs down;
`intake/` and `knowledge_base/` never read the environment themselves.
"""
from settings.core import (
    PROFILES,
    PROJECT_DIR,
    SKIP_DOTENV,
    Settings,
    SettingsError,
    load_settings,
    local_secret,
)
from settings.exposure import MIN_SECRET_LENGTH, SERVER_SECRETS, exposure_problem, is_loopback

__all__ = [
    "MIN_SECRET_LENGTH", "PROFILES", "PROJECT_DIR", "SERVER_SECRETS", "SKIP_DOTENV", "Settings",
    "SettingsError", "exposure_problem", "is_loopback", "load_settings", "local_secret",
]
