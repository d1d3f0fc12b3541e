from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tarfile
import textwrap

import pytest

from settings import PROJECT_DIR
from tnw import engine


def write_model(path, *, with_metadata=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        name = "metadata.json" if with_metadata else "other.txt"
        data = b"{}"
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


@pytest.fixture
def project(tmp_path, monkeypatch, settings):
    """A copy of the training inputs, so changing them does not touch the real project."""
    root = tmp_path / "project"
    for name in engine.TRAINING_INPUTS:
        source = PROJECT_DIR / name
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    return root


def test_fingerprint_changes_with_training_data_only(project):
    before = engine.training_fingerprint(project)
    assert engine.training_fingerprint(project) == before
    (project / "README.md").write_text("not a training input")
    assert engine.training_fingerprint(project) == before
    nlu_file = next((project / "nlu" / "data").rglob("*.yml"))
    nlu_file.write_text(nlu_file.read_text() + "\n# changed\n")
    assert engine.training_fingerprint(project) != before


def test_fingerprint_changes_with_config(project):
    before = engine.training_fingerprint(project)
    config = project / "config.yml"
    text = config.read_text()
    epochs = re.search(r"epochs: (\d+)", text)
    assert epochs
    config.write_text(text.replace(epochs.group(0), f"epochs: {int(epochs.group(1)) - 1}", 1))
    assert engine.training_fingerprint(project) != before


def test_model_validity(tmp_path):
    good, no_meta, corrupt = tmp_path / "good.tar.gz", tmp_path / "nometa.tar.gz", tmp_path / "bad.tar.gz"
    write_model(good)
    write_model(no_meta, with_metadata=False)
    corrupt.write_bytes(good.read_bytes()[:20])
    assert engine.is_valid_model(good)
    assert not engine.is_valid_model(no_meta)
    assert not engine.is_valid_model(corrupt)
    assert not engine.is_valid_model(tmp_path / "missing.tar.gz")


def train_calls(calls) -> int:
    return sum(line.startswith("train ") for line in calls.read_text().splitlines())


@pytest.fixture
def fake_rasa(tmp_path, monkeypatch, settings):
    """A stand-in `rasa` executable that records its calls and writes a model archive.

    Only the train-or-reuse decision is tested here; real training is in the integration test.
    """
    calls = tmp_path / "calls.txt"
    script = tmp_path / "rasa"
    script.write_text(textwrap.dedent(f"""\
        #!/usr/bin/env python3
        import io, sys, tarfile
        open({str(calls)!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
        args = sys.argv[1:]
        out, name = args[args.index("--out") + 1], args[args.index("--fixed-model-name") + 1]
        with tarfile.open(f"{{out}}/{{name}}.tar.gz", "w:gz") as archive:
            info = tarfile.TarInfo("metadata.json"); info.size = 2
            archive.addfile(info, io.BytesIO(b"{{}}"))
        """))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("TNW_RASA_BIN", str(script))
    monkeypatch.setenv("TNW_MODELS_DIR", str(tmp_path / "models"))
    from settings import load_settings

    return load_settings(), calls


def test_train_reuses_a_valid_model_and_retrains_a_corrupt_one(fake_rasa):
    settings, calls = fake_rasa
    first = engine.train(settings, echo=lambda _: None)
    assert engine.is_valid_model(first)
    assert train_calls(calls) == 1

    assert engine.train(settings, echo=lambda _: None) == first
    assert train_calls(calls) == 1  # reused, not retrained

    first.write_bytes(b"garbage")
    messages = []
    assert engine.train(settings, echo=messages.append) == first
    assert train_calls(calls) == 2
    assert any("damaged" in m for m in messages)
    assert engine.is_valid_model(first)


def test_train_keeps_only_the_newest_models(fake_rasa):
    settings, _ = fake_rasa
    old = [settings.models_dir / f"tnw-{n:016d}.tar.gz" for n in range(engine.KEEP_MODELS + 1)]
    for age, path in enumerate(old):
        write_model(path)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # the first is the oldest
    target = engine.train(settings, echo=lambda _: None)
    kept = sorted(settings.models_dir.glob("tnw-*.tar.gz"))
    assert target in kept and len(kept) == engine.KEEP_MODELS
    assert not old[0].exists() and not old[1].exists() and old[-1].exists()


def test_failed_training_names_its_log(fake_rasa, tmp_path, monkeypatch):
    settings, _ = fake_rasa
    failing = tmp_path / "failing-rasa"
    failing.write_text("#!/bin/sh\necho boom\nexit 2\n")
    failing.chmod(0o755)
    monkeypatch.setenv("TNW_RASA_BIN", str(failing))
    with pytest.raises(engine.TrainingError, match=r"exit code 2\)\. Log: .*train\.log"):
        engine.train(settings, echo=lambda _: None)
    assert not engine.model_path(settings).exists()


def test_server_command_binds_locally_and_keeps_the_token_off_the_command_line(settings):
    command = engine.server_command(settings, settings.models_dir / "m.tar.gz")
    assert not any(settings.rasa_auth_token in part for part in command)  # `ps` shows command lines
    assert command[command.index("--interface") + 1] == "127.0.0.1"
    assert "--enable-api" in command


def test_a_token_starting_with_a_dash_reaches_rasa_intact():
    """Rasa parses its command line with argparse; "-t TOKEN" broke when TOKEN began with "-".
    rasa_addons.serve adds the token from the environment (and drops it from there)."""
    import argparse

    from rasa_addons.shared_secret import RASA_AUTH_TOKEN_ENV, with_auth_token

    environ = {RASA_AUTH_TOKEN_ENV: "-Xy_z0"}
    argv = with_auth_token(["run", "--enable-api"], environ)
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    known, _ = parser.parse_known_args(argv[1:])
    assert known.auth_token == "-Xy_z0"
    assert RASA_AUTH_TOKEN_ENV not in environ  # Rasa's own children do not inherit it
