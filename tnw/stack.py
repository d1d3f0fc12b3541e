"""The assistant's back end as processes: the action server and the Rasa server.

Each server gets only what it needs in its environment (tnw.processes.child_environment): its
settings and its own secrets, never the Telegram token. Secrets go through the environment,
not the command line (`ps` shows command lines to every user of the machine).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx

from rasa_addons.shared_secret import ACTION_TOKEN_ENV, RASA_AUTH_TOKEN_ENV, WEBHOOK_SECRET_ENV
from settings import SKIP_DOTENV, Settings, exposure_problem
from tnw import engine
from tnw.processes import ManagedProcess, ProcessGroup, StartupError

# Never handed on as such; each server gets its own secrets explicitly below.
SECRET_VARIABLES = frozenset({"RASA_AUTH_TOKEN", "TNW_SENDER_SECRET", WEBHOOK_SECRET_ENV, ACTION_TOKEN_ENV,
                              RASA_AUTH_TOKEN_ENV})


def _answers(url: str, **params: str) -> bool:
    return httpx.get(url, params=params, timeout=2.0).status_code == 200


def settings_env(settings: Settings) -> dict[str, str]:
    """Our non-secret TNW_ settings (from `.env` too) with the resolved locations and ports."""
    passed = {name: value for name, value in os.environ.items()
              if name.startswith("TNW_") and name not in SECRET_VARIABLES and not name.startswith("TNW_TELEGRAM_")}
    return {
        **passed,
        "TNW_DATA_DIR": str(settings.data_dir),
        "TNW_MODELS_DIR": str(settings.models_dir),
        "TNW_HOST": settings.rasa_host,
        "TNW_RASA_PORT": str(settings.rasa_port),
        "TNW_ACTION_PORT": str(settings.action_port),
        "DATABASE_URL": settings.database_url,
        "TRACKER_STORE_URL": settings.tracker_store_url,
        SKIP_DOTENV: "1",  # everything is here; the operator's .env may hold the Telegram token
    }


def action_server(settings: Settings) -> ManagedProcess:
    base = f"http://{settings.rasa_host}:{settings.action_port}"
    return ManagedProcess(
        name="action server",
        # rasa_sdk's own command line, behind the action token (rasa_addons/action_server.py).
        command=[sys.executable, "-m", "rasa_addons.action_server", "--actions", "actions",
                 "--port", str(settings.action_port)],
        log_path=settings.logs_dir / "actions.log",
        host=settings.rasa_host,
        port=settings.action_port,
        is_ready=lambda: _answers(f"{base}/health"),
        env={
            **settings_env(settings),
            "SANIC_HOST": settings.rasa_host,
            "TNW_ACTIONS_WARMUP": "1",
            ACTION_TOKEN_ENV: settings.action_token,
        },
        cwd=settings.project_dir,
    )


# One TensorFlow thread per pool while serving: on 2 cores shared with the action server, more
# threads only contend (bench/telegram_load.py: 12.4 -> 13.9 msg/s). Training keeps all cores.
SERVING_THREAD_VARIABLES = ("TF_INTER_OP_PARALLELISM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS")


def rasa_server(settings: Settings, model: Path, index: int = 0) -> ManagedProcess:
    """Rasa server number `index` (0-based) on TNW_RASA_PORT + index; the first logs to rasa.log."""
    port = settings.rasa_port + index
    url = settings.rasa_urls[index]
    # /status answers 200 only once a model is loaded, and only with the auth token.
    return ManagedProcess(
        name="Rasa server" if settings.rasa_servers == 1 else f"Rasa server {index + 1}",
        command=engine.server_command(settings, model, port=port),
        log_path=settings.logs_dir / ("rasa.log" if index == 0 else f"rasa-{index + 1}.log"),
        host=settings.rasa_host,
        port=port,
        is_ready=lambda: _answers(f"{url}/status", token=settings.rasa_auth_token),
        env={
            **engine.engine_env(settings),  # includes the action token Rasa sends (endpoints.yml)
            **{name: os.environ.get(name, "1") for name in SERVING_THREAD_VARIABLES},
            RASA_AUTH_TOKEN_ENV: settings.rasa_auth_token,  # read by rasa_addons.serve
            WEBHOOK_SECRET_ENV: settings.webhook_secret,  # read by credentials.yml
        },
        cwd=settings.project_dir,
    )


def profile_problem(settings: Settings) -> str | None:
    """Why this profile cannot start with these settings, or None.

    Several Rasa servers share the conversations, so they need a database server for them and
    Redis for Rasa's locks; SQLite under var/ is for the embedded profile's single server.
    """
    if settings.profile != "production":
        if settings.rasa_servers > 1:
            return ("TNW_RASA_SERVERS > 1 needs the production profile (TNW_PROFILE=production or "
                    "`tnw run --profile production`): several servers share PostgreSQL and Redis.")
        return None
    missing = [name for name, value in (("DATABASE_URL", settings.database_url),
                                        ("TRACKER_STORE_URL", settings.tracker_store_url))
               if value.startswith("sqlite")]
    if not settings.lock_store_url:
        missing.append("LOCK_STORE_URL")
    if missing:
        return (f"The production profile needs {', '.join(missing)}: PostgreSQL for the intakes and the "
                "conversations, Redis for Rasa's locks (see .env.example and deploy/README.md).")
    return None


def backend(settings: Settings, model: Path) -> ProcessGroup:
    """The action server first (Rasa calls it), then the Rasa servers, stopped together.

    Refuses (StartupError) to listen on a non-loopback interface without operator-set secrets.
    """
    problem = exposure_problem(settings) or profile_problem(settings)
    if problem:
        raise StartupError(problem)
    settings.db_dir.mkdir(parents=True, exist_ok=True)
    return ProcessGroup(
        [action_server(settings), *(rasa_server(settings, model, index) for index in range(settings.rasa_servers))],
        startup_timeout=settings.startup_timeout,
    )
