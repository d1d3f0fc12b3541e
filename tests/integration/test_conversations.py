"""Conversation tests: Rasa's own test runner on tests/conversations/*.yml, failing on any
wrong prediction, with the real trained model and the real action server."""
from __future__ import annotations

import dataclasses
import os
import subprocess

import pytest
import yaml

from intake.db import upgrade
from settings import PROJECT_DIR, load_settings
from tnw import engine
from tnw.processes import ProcessGroup, free_port
from tnw.stack import action_server

pytestmark = pytest.mark.integration
STORIES = PROJECT_DIR / "tests" / "conversations"


def test_conversation_stories_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("TNW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = dataclasses.replace(load_settings(), action_port=free_port())
    upgrade(settings.database_url)
    model = engine.train(settings)
    results = tmp_path / "results"
    with ProcessGroup([action_server(settings)], startup_timeout=settings.startup_timeout):
        completed = subprocess.run(
            [
                str(engine.rasa_executable(settings)), "test", "core",
                "--model", str(model), "--stories", str(STORIES),
                "--endpoints", "endpoints.yml", "--out", str(results),
                "--fail-on-prediction-errors", "--no-plot",
            ],
            cwd=PROJECT_DIR,
            env={**os.environ, **engine.engine_env(settings)},
            capture_output=True,
            text=True,
            timeout=900,
        )
    failed = results / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else completed.stdout[-4000:] + completed.stderr[-4000:]
    assert completed.returncode == 0, details


def test_there_are_at_least_25_conversation_stories():
    stories = sum(len(yaml.safe_load(p.read_text())["stories"]) for p in STORIES.glob("*.yml"))
    assert stories >= 25
