"""The Rasa engine: where it is installed, when to train, and how to run its server.

Rasa lives in its own virtual environment (.venv/engine); everything here talks to it through
its command line, the way an operator would.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from settings import Settings
from tnw.processes import child_environment, tail

# What a trained model depends on: change any of these and the model is retrained.
TRAINING_INPUTS = ("config.yml", "nlu/domain", "nlu/data", "requirements/engine.lock")
MODEL_PREFIX = "tnw-"
KEEP_MODELS = 3


class TrainingError(RuntimeError):
    """`rasa train` failed; the message names its log file."""


def rasa_executable(settings: Settings) -> Path:
    override = os.environ.get("TNW_RASA_BIN")
    return Path(override) if override else settings.project_dir / ".venv" / "engine" / "bin" / "rasa"


def engine_env(settings: Settings) -> dict[str, str]:
    """Environment for every Rasa process: quiet, offline, and our endpoint settings."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        # Rasa's training cache would otherwise land in ./.rasa of whatever folder we run from.
        "RASA_CACHE_DIRECTORY": str(settings.models_dir / "cache"),
        "TNW_ACTION_ENDPOINT": settings.action_server_url,
        # Rasa sends it to the action server (endpoints.yml), which refuses calls without it.
        "TNW_ACTION_TOKEN": settings.action_token,
        "TNW_TRACKER_STORE_URL": settings.tracker_store_url,
        "TNW_COMPACT_AFTER_EVENTS": str(settings.compact_after_events),
        **lock_store_env(settings.lock_store_url),
        # Rasa imports our tracker store (endpoints.yml) and serve module from rasa_addons/.
        "PYTHONPATH": str(settings.project_dir),
    }


def lock_store_env(url: str | None) -> dict[str, str]:
    """LOCK_STORE_URL (redis://[:password@]host[:port][/db]) as the parts endpoints.production.yml reads."""
    if not url:
        return {}
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"LOCK_STORE_URL must look like redis://host:6379/0, got {url!r}")
    return {
        "TNW_LOCK_STORE_HOST": parts.hostname,
        "TNW_LOCK_STORE_PORT": str(parts.port or 6379),
        "TNW_LOCK_STORE_DB": parts.path.strip("/") or "0",
        "TNW_LOCK_STORE_PASSWORD": parts.password or "",
    }


def endpoints_file(settings: Settings) -> str:
    """The production profile adds Redis as Rasa's lock store (endpoints.production.yml)."""
    return "endpoints.production.yml" if settings.profile == "production" else "endpoints.yml"


def _training_files(project_dir: Path) -> Iterable[Path]:
    for name in TRAINING_INPUTS:
        path = project_dir / name
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            yield path


def training_fingerprint(project_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in _training_files(project_dir):
        digest.update(str(path.relative_to(project_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{training_fingerprint(settings.project_dir)}.tar.gz"


def is_valid_model(path: Path) -> bool:
    """A model is usable when its archive reads completely and holds Rasa's metadata."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = archive.getnames()
    except (OSError, tarfile.TarError, EOFError):
        return False
    return any(name.endswith("metadata.json") for name in names)


def run_logged(command: list[str], log_path: Path, settings: Settings) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        completed = subprocess.run(
            command,
            cwd=settings.project_dir,
            # Training and checks need no secret: only the basics and the engine settings.
            env=child_environment(engine_env(settings)),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return completed.returncode


def train(settings: Settings, *, force: bool = False, echo: Callable[[str], None] = print) -> Path:
    """Return a usable model for the current training data, training only when needed.

    A missing, partial or corrupt model file is removed and trained again.
    """
    target = model_path(settings)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    # One training at a time per models folder (a test run and `make run` may ask together);
    # whoever waited finds the model the other one trained.
    with open(settings.models_dir / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _train_locked(settings, target, force=force, echo=echo)


def _train_locked(settings: Settings, target: Path, *, force: bool, echo: Callable[[str], None]) -> Path:
    if not force and target.exists():
        if is_valid_model(target):
            echo(f"Model is up to date: {target}")
            return target
        echo(f"Model {target} is damaged; training it again.")
    target.unlink(missing_ok=True)

    # Train into a scratch folder and move the result in place, so an interrupted
    # training never leaves a half-written model where a server would load it.
    scratch = settings.models_dir / ".training"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    log_path = settings.logs_dir / "train.log"
    echo(f"Training the Rasa model (log: {log_path}) ...")
    started = time.monotonic()
    code = run_logged(
        [
            str(rasa_executable(settings)), "train",
            "--domain", "nlu/domain", "--data", "nlu/data", "--config", "config.yml",
            "--out", str(scratch), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ],
        log_path,
        settings,
    )
    produced = scratch / target.name
    if code != 0 or not is_valid_model(produced):
        raise TrainingError(f"Training failed (exit code {code}). Log: {log_path}\n{tail(log_path)}")
    os.replace(produced, target)
    shutil.rmtree(scratch, ignore_errors=True)
    # Keep the newest few: a server may still be loading the one before.
    models = sorted(settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-KEEP_MODELS]:
        if old != target:
            old.unlink(missing_ok=True)
    echo(f"Trained in {time.monotonic() - started:.0f} s: {target}")
    return target


def validate(settings: Settings) -> tuple[bool, Path]:
    """Run `rasa data validate`, failing on warnings too; return (ok, log path)."""
    log_path = settings.logs_dir / "validate.log"
    code = run_logged(
        [
            str(rasa_executable(settings)), "data", "validate", "--fail-on-warnings",
            "--domain", "nlu/domain", "--data", "nlu/data", "--config", "config.yml",
        ],
        log_path,
        settings,
    )
    return code == 0, log_path


def server_command(settings: Settings, model: Path, port: int | None = None) -> list[str]:
    # `rasa run` through rasa_addons.serve: Rasa's own command line, with its per-response
    # JSON-schema re-check made once per schema (see that module).
    engine_python = rasa_executable(settings).with_name("python")
    return [
        str(engine_python), "-m", "rasa_addons.serve", "run",
        "--model", str(model),
        "--endpoints", endpoints_file(settings),
        "--credentials", "credentials.yml",
        "--interface", settings.rasa_host,
        "--port", str(settings.rasa_port if port is None else port),
        "--enable-api",
        # No --auth-token here: `ps` shows a command line to every user. rasa_addons.serve adds
        # it from TNW_RASA_AUTH_TOKEN (tnw.stack passes it), so the HTTP API still needs it.
    ]
