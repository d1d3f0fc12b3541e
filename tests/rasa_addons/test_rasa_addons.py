"""rasa_addons runs inside the Rasa server; its checks run under the engine's Python."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import engine_checks

PROJECT = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = PROJECT / ".venv" / "engine" / "bin" / "python"
CHECKS = [name for name in vars(engine_checks) if name.startswith("check_")]


@pytest.mark.skipif(not ENGINE_PYTHON.exists(), reason="the engine environment is not installed (make install)")
@pytest.mark.parametrize("check", CHECKS)
def test_engine_check(check, tmp_path):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(
        [str(ENGINE_PYTHON), str(Path(engine_checks.__file__)), check, str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
