"""rasa_addons.serve loads DIET without tracing its training graph: same model, same parses."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from settings import PROJECT_DIR, load_settings
from tnw import engine

pytestmark = pytest.mark.integration
CHECKS = Path(__file__).resolve().parents[1] / "rasa_addons" / "engine_checks.py"


def test_the_fast_load_parses_exactly_like_rasas_own(tmp_path, monkeypatch):
    monkeypatch.setenv("TNW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TNW_MODELS_DIR", str(PROJECT_DIR / "var" / "models"))
    settings = load_settings()
    model = engine.train(settings)
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "import engine_checks; engine_checks.compare_model_loads(Path(sys.argv[2])); print('ok')")
    result = subprocess.run(
        [str(engine.rasa_executable(settings).with_name("python")), "-c", code, str(CHECKS.parent), str(model)],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_DIR,
        env={**os.environ, **engine.engine_env(settings)},
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
