"""Settings from environment variables, with the embedded defaults (see .env.example).

Every process (CLI, action server, front end) builds its settings the same way, once, at its
start-up: a value set once in the environment or in `.env` reaches all of them.

pydantic-settings reads and types the variables (`_Environment`); `load_settings()` resolves the
defaults that depend on other values (locations under the data folder, generated secrets) into
the immutable `Settings` that the rest of the code receives. Every bad variable is reported at
once, each by its name (`SettingsError`).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from dotenv import load_dotenv
from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(os.environ.get("TNW_PROJECT_DIR", Path(__file__).resolve().parents[1]))

# Set by `tnw run` for its servers: they get every setting they need in their environment,
# and must not read the operator's `.env` (which may hold the Telegram token) themselves.
SKIP_DOTENV = "TNW_SKIP_DOTENV"

Profile = Literal["embedded", "production"]
PROFILES: tuple[str, ...] = get_args(Profile)


class SettingsError(ValueError):
    """One or more environment variables hold a value that cannot be used; one line per variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


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
    # Retention periods in days (intake.retention.RetentionPolicy.from_settings).
    keep_intakes_days: int = 365  # the consent text: "tot een jaar na je afspraak"
    keep_conversations_days: int = 90
    keep_gaps_days: int = 90
    keep_logs_days: int = 30
    # The embedding model's CPU threads, and its opt-in int8 quantisation (knowledge_base.embeddings).
    torch_threads: int = 1
    embedding_int8: bool = False

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


def _var(name: str, default: Any = None, **constraints: Any) -> Any:
    return Field(default, validation_alias=name, **constraints)


class _Environment(BaseSettings):
    """The variables as typed input; None means unset (the default then depends on other values)."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    data_dir: Path | None = _var("TNW_DATA_DIR")
    models_dir: Path | None = _var("TNW_MODELS_DIR")
    database_url: str | None = _var("DATABASE_URL")
    tracker_store_url: str | None = _var("TRACKER_STORE_URL")
    rasa_host: str = _var("TNW_HOST", "127.0.0.1")
    rasa_port: int = _var("TNW_RASA_PORT", 5005)
    action_port: int = _var("TNW_ACTION_PORT", 5055)
    rasa_auth_token: str | None = _var("RASA_AUTH_TOKEN")
    sender_secret: str | None = _var("TNW_SENDER_SECRET")
    webhook_secret: str | None = _var("TNW_WEBHOOK_SECRET")
    action_token: str | None = _var("TNW_ACTION_TOKEN")
    demo_data: bool | None = _var("TNW_DEMO_DATA")
    startup_timeout: int = _var("TNW_STARTUP_TIMEOUT", 300)
    rasa_timeout: int = _var("TNW_RASA_TIMEOUT", 30)
    embedding_model: str | None = _var("TNW_EMBEDDING_MODEL")
    telegram_bot_token: str | None = _var("TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = _var("TELEGRAM_API_BASE_URL")
    telegram_webhook_url: str | None = _var("TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = _var("TELEGRAM_WEBHOOK_SECRET")
    profile: Profile = _var("TNW_PROFILE", "embedded")
    rasa_servers: int = _var("TNW_RASA_SERVERS", 1)
    lock_store_url: str | None = _var("LOCK_STORE_URL")
    compact_after_events: int = _var("TNW_COMPACT_AFTER_EVENTS", 60)
    keep_intakes_days: int = _var("TNW_KEEP_INTAKES_DAYS", 365, ge=1)
    keep_conversations_days: int = _var("TNW_KEEP_CONVERSATIONS_DAYS", 90, ge=1)
    keep_gaps_days: int = _var("TNW_KEEP_GAPS_DAYS", 90, ge=1)
    keep_logs_days: int = _var("TNW_KEEP_LOGS_DAYS", 30, ge=1)
    torch_threads: int = _var("TNW_TORCH_THREADS", 1)
    embedding_int8: bool = _var("TNW_EMBEDDING_INT8", False)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        """Surrounding spaces do not count, and an empty value is the same as an unset one."""
        if not isinstance(data, dict):
            return data
        stripped = {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        return {key: value for key, value in stripped.items() if value != ""}


_KINDS = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be 1 or 0 (or true/false, yes/no)",
}


def _problem(error: Any) -> str:
    name = ".".join(str(part) for part in error["loc"]) or "a setting"
    kind = error["type"]
    if kind == "greater_than_equal":
        what = f"must be at least {error['ctx']['ge']}"
    elif kind == "literal_error":  # ctx: "'embedded' or 'production'"
        what = "must be one of " + error["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
    else:
        what = _KINDS.get(kind, error["msg"][:1].lower() + error["msg"][1:])
    return f"{name} {what}, got {error['input']!r}"


def _read_environment() -> _Environment:
    try:
        return _Environment()
    except ValidationError as exc:
        raise SettingsError([_problem(error) for error in exc.errors()]) from None


def load_settings(env_file: Path | None = None) -> Settings:
    """Build settings from the environment (and `.env` in the project, when present).

    Raises SettingsError, naming every variable with a bad value, one per line.
    """
    if os.environ.get(SKIP_DOTENV) != "1":
        load_dotenv(env_file or PROJECT_DIR / ".env", override=False)
    env = _read_environment()
    data_dir = (env.data_dir or PROJECT_DIR / "var").resolve()
    db_dir = data_dir / "db"
    return Settings(
        project_dir=PROJECT_DIR,
        data_dir=data_dir,
        # Trained models are a cache keyed by a fingerprint, so tests may share it (TNW_MODELS_DIR).
        models_dir=(env.models_dir or data_dir / "models").resolve(),
        database_url=env.database_url or f"sqlite:///{db_dir / 'tnw.db'}",
        tracker_store_url=env.tracker_store_url or f"sqlite:///{db_dir / 'tracker.db'}",
        rasa_host=env.rasa_host,
        rasa_port=env.rasa_port,
        action_port=env.action_port,
        rasa_auth_token=env.rasa_auth_token or local_secret(data_dir, "rasa_auth_token"),
        sender_secret=env.sender_secret or local_secret(data_dir, "sender_secret"),
        webhook_secret=env.webhook_secret or local_secret(data_dir, "webhook_secret"),
        action_token=env.action_token or local_secret(data_dir, "action_token"),
        # The embedded default seeds demo coordinators and slots so a booking works at once.
        demo_data=env.demo_data if env.demo_data is not None else env.database_url is None,
        startup_timeout=env.startup_timeout,
        rasa_timeout=env.rasa_timeout,
        embedding_model=env.embedding_model,
        telegram_bot_token=env.telegram_bot_token,
        telegram_api_base_url=env.telegram_api_base_url,
        telegram_webhook_url=env.telegram_webhook_url,
        telegram_webhook_secret=env.telegram_webhook_secret,
        profile=env.profile,
        rasa_servers=max(1, env.rasa_servers),
        lock_store_url=env.lock_store_url,
        compact_after_events=max(0, env.compact_after_events),
        keep_intakes_days=env.keep_intakes_days,
        keep_conversations_days=env.keep_conversations_days,
        keep_gaps_days=env.keep_gaps_days,
        keep_logs_days=env.keep_logs_days,
        torch_threads=max(1, env.torch_threads),
        embedding_int8=env.embedding_int8,
    )
