"""Settings from environment variables, with the embedded defaults (see .env.example).

Every process (CLI, action server, front end) builds its settings the same way, so a value
set once in the environment or in `.env` reaches all of them.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from dotenv import load_dotenv

PROJECT_DIR = Path(os.environ.get("TNW_PROJECT_DIR", Path(__file__).resolve().parents[1]))


@overload
def _env(name: str, default: str) -> str: ...
@overload
def _env(name: str, default: None = None) -> str | None: ...
def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def _int_env(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def local_secret(data_dir: Path, name: str) -> str:
    """Return a random secret kept under <data_dir>/secrets, creating it on first use.

    Used when the operator sets no secret: the embedded default stays private to this machine.
    """
    path = data_dir / "secrets" / name
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    data_dir: Path
    models_dir: Path
    database_url: str
    tracker_store_url: str
    rasa_host: str
    rasa_port: int
    action_port: int
    rasa_auth_token: str
    sender_secret: str
    webhook_secret: str  # the front ends' key to Rasa's REST webhook
    action_token: str  # Rasa's key to the action server
    demo_data: bool
    startup_timeout: int
    rasa_timeout: int
    embedding_model: str | None
    telegram_bot_token: str | None
    telegram_api_base_url: str | None
    telegram_webhook_url: str | None
    telegram_webhook_secret: str | None
    # Scale-out (README "Production profile"): "embedded" or "production", how many Rasa
    # servers, Rasa's lock store (Redis) and when the tracker store compacts a conversation.
    profile: str = "embedded"
    rasa_servers: int = 1
    lock_store_url: str | None = None
    compact_after_events: int = 60

    # Derived locations: one place decides where files live.
    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def db_dir(self) -> Path:
        return self.data_dir / "db"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def rasa_urls(self) -> list[str]:
        """Every Rasa server, on consecutive ports from TNW_RASA_PORT; a sender sticks to one."""
        return [f"http://{self.rasa_host}:{self.rasa_port + index}" for index in range(self.rasa_servers)]

    @property
    def action_server_url(self) -> str:
        return f"http://{self.rasa_host}:{self.action_port}/webhook"


# Set by `tnw run` for its servers: they get every setting they need in their environment,
# and must not read the operator's `.env` (which may hold the Telegram token) themselves.
SKIP_DOTENV = "TNW_SKIP_DOTENV"


def load_settings(env_file: Path | None = None) -> Settings:
    """Build settings from the environment (and `.env` in the project, when present)."""
    if os.environ.get(SKIP_DOTENV) != "1":
        load_dotenv(env_file or PROJECT_DIR / ".env", override=False)
    data_dir = Path(_env("TNW_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
    db_dir = data_dir / "db"
    return Settings(
        project_dir=PROJECT_DIR,
        data_dir=data_dir,
        # Trained models are a cache keyed by a fingerprint, so tests may share it (TNW_MODELS_DIR).
        models_dir=Path(_env("TNW_MODELS_DIR", str(data_dir / "models"))).resolve(),
        database_url=_env("DATABASE_URL", f"sqlite:///{db_dir / 'tnw.db'}"),
        tracker_store_url=_env("TRACKER_STORE_URL", f"sqlite:///{db_dir / 'tracker.db'}"),
        rasa_host=_env("TNW_HOST", "127.0.0.1"),
        rasa_port=_int_env("TNW_RASA_PORT", 5005),
        action_port=_int_env("TNW_ACTION_PORT", 5055),
        rasa_auth_token=_env("RASA_AUTH_TOKEN") or local_secret(data_dir, "rasa_auth_token"),
        sender_secret=_env("TNW_SENDER_SECRET") or local_secret(data_dir, "sender_secret"),
        webhook_secret=_env("TNW_WEBHOOK_SECRET") or local_secret(data_dir, "webhook_secret"),
        action_token=_env("TNW_ACTION_TOKEN") or local_secret(data_dir, "action_token"),
        # The embedded default seeds demo coordinators and slots so a booking works at once.
        demo_data=_env("TNW_DEMO_DATA", "0" if _env("DATABASE_URL") else "1") not in ("0", "false", "no"),
        startup_timeout=_int_env("TNW_STARTUP_TIMEOUT", 300),
        rasa_timeout=_int_env("TNW_RASA_TIMEOUT", 30),
        embedding_model=_env("TNW_EMBEDDING_MODEL"),
        telegram_bot_token=_env("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=_env("TELEGRAM_API_BASE_URL"),
        telegram_webhook_url=_env("TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET"),
        profile=_profile(_env("TNW_PROFILE", "embedded")),
        rasa_servers=max(1, _int_env("TNW_RASA_SERVERS", 1)),
        lock_store_url=_env("LOCK_STORE_URL"),
        compact_after_events=max(0, _int_env("TNW_COMPACT_AFTER_EVENTS", 60)),
    )


PROFILES = ("embedded", "production")


def _profile(value: str) -> str:
    if value not in PROFILES:
        raise ValueError(f"TNW_PROFILE must be one of {', '.join(PROFILES)}, got {value!r}")
    return value


# The secrets that guard the servers, by the variable that sets each.
SERVER_SECRETS = ("RASA_AUTH_TOKEN", "TNW_WEBHOOK_SECRET", "TNW_ACTION_TOKEN")
MIN_SECRET_LENGTH = 16


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_problem(settings: Settings, environ: Mapping[str, str] | None = None) -> str | None:
    """Why the servers must not start on this interface, or None.

    On loopback the generated secrets suffice. On any other interface the operator must set
    every server secret (so that they are chosen, shared and rotated on purpose), each of at
    least 16 characters.
    """
    if is_loopback(settings.rasa_host):
        return None
    environ = os.environ if environ is None else environ
    missing = [name for name in SERVER_SECRETS if len(environ.get(name, "").strip()) < MIN_SECRET_LENGTH]
    if not missing:
        return None
    return (
        f"TNW_HOST={settings.rasa_host} is not a loopback address, so the servers would be reachable "
        f"from the network. Set {', '.join(missing)} (at least {MIN_SECRET_LENGTH} random characters "
        "each, see .env.example) or use TNW_HOST=127.0.0.1."
    )
