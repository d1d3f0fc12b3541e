"""Starting the real Rasa + action servers on free ports (tests and the benchmark).

Same pattern as tests/integration/test_stack.py. When the working tree's training data does
not train (another engineer's work in progress), the model of the last commit's training
data is trained instead (exported read-only with `git archive`, trained in a private folder,
cached there) and a warning says so: the front end is then still tested against a real Rasa.
"""
from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import tempfile
import warnings
from pathlib import Path

from tnw import engine
from tnw.config import PROJECT_DIR, load_settings
from tnw.processes import free_port
from tnw.stack import backend

COMMITTED_INPUTS = ("config.yml", "nlu", "requirements/engine.lock", "endpoints.yml", "credentials.yml")


def committed_model(settings) -> Path:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True,
                            check=True).stdout.strip()
    snapshot = Path(tempfile.gettempdir()) / "tnw-committed-model" / commit[:12]
    if not (snapshot / "config.yml").exists():
        snapshot.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", commit, *COMMITTED_INPUTS],
                                 cwd=PROJECT_DIR, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
    if not (snapshot / ".venv").exists():
        (snapshot / ".venv").symlink_to(PROJECT_DIR / ".venv")  # the engine environment
    snap_settings = dataclasses.replace(settings, project_dir=snapshot, models_dir=snapshot / "models")
    return engine.train(snap_settings, echo=lambda _line: None)


def model_for(settings) -> Path:
    try:
        return engine.train(settings, echo=lambda _line: None)
    except engine.TrainingError as exc:
        model = committed_model(settings)
        warnings.warn(f"The working tree does not train ({exc}); using the last commit's model {model}",
                      stacklevel=2)
        return model


def seed_database(settings, coordinator_chats: dict[str, int] | None = None) -> None:
    from intake.db import session_factory, upgrade
    from intake.seed import seed_demo_data

    upgrade(settings.database_url)
    with session_factory(settings.database_url)() as session:
        # Test data on purpose, also with the fake Bot API token set.
        seed_demo_data(session, telegram_chat_ids=coordinator_chats or {}, telegram_token=None)


@contextlib.contextmanager
def start_stack(patch, data_dir: Path, *, coordinator_chats: dict[str, int] | None = None):
    """Yields (settings, process group); `patch` is a pytest MonkeyPatch (or compatible)."""
    patch.setenv("TNW_DATA_DIR", str(data_dir / "var"))
    patch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
    for name in ("RASA_AUTH_TOKEN", "TRACKER_STORE_URL", "DATABASE_URL", "TNW_SENDER_SECRET",
                 "TNW_WEBHOOK_SECRET", "TNW_ACTION_TOKEN"):
        patch.delenv(name, raising=False)
    settings = dataclasses.replace(load_settings(), rasa_port=free_port(), action_port=free_port())
    model = model_for(settings)
    seed_database(settings, coordinator_chats)
    group = backend(settings, model)
    with group:
        yield settings, group
