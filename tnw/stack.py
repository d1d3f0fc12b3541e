"""The assistant's back end as processes: the action server and the Rasa server."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx

from tnw import engine
from tnw.config import Settings
from tnw.processes import ManagedProcess, ProcessGroup


def _answers(url: str, **params: str) -> bool:
    return httpx.get(url, params=params, timeout=2.0).status_code == 200


def action_server(settings: Settings) -> ManagedProcess:
    base = f"http://{settings.rasa_host}:{settings.action_port}"
    return ManagedProcess(
        name="action server",
        command=[sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
        log_path=settings.logs_dir / "actions.log",
        host=settings.rasa_host,
        port=settings.action_port,
        is_ready=lambda: _answers(f"{base}/health"),
        env={
            "SANIC_HOST": settings.rasa_host,
            "TNW_DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": settings.database_url,
            "TNW_ACTIONS_WARMUP": "1",
        },
        cwd=settings.project_dir,
    )


# One TensorFlow thread per pool while serving: on 2 cores shared with the action server, more
# threads only contend (bench/telegram_load.py: 12.4 -> 13.9 msg/s). Training keeps all cores.
SERVING_THREAD_VARIABLES = ("TF_INTER_OP_PARALLELISM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS")


def rasa_server(settings: Settings, model: Path) -> ManagedProcess:
    # /status answers 200 only once a model is loaded, and only with the auth token.
    return ManagedProcess(
        name="Rasa server",
        command=engine.server_command(settings, model),
        log_path=settings.logs_dir / "rasa.log",
        host=settings.rasa_host,
        port=settings.rasa_port,
        is_ready=lambda: _answers(f"{settings.rasa_url}/status", token=settings.rasa_auth_token),
        env={**engine.engine_env(settings),
             **{name: os.environ.get(name, "1") for name in SERVING_THREAD_VARIABLES}},
        cwd=settings.project_dir,
    )


def backend(settings: Settings, model: Path) -> ProcessGroup:
    """Both servers, action server first (Rasa calls it), stopped together."""
    settings.db_dir.mkdir(parents=True, exist_ok=True)
    return ProcessGroup(
        [action_server(settings), rasa_server(settings, model)],
        startup_timeout=settings.startup_timeout,
    )
