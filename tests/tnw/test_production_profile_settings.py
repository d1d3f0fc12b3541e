"""The production profile's start-up checks and what its Rasa servers are given."""
from __future__ import annotations

import dataclasses

import pytest

from tnw import engine
from tnw.processes import StartupError
from tnw.stack import backend, profile_problem, rasa_server

PG_INTAKE = "postgresql+psycopg://tnw@db.internal:5432/tnw"
PG_TRACKER = "postgresql://tnw@db.internal:5432/rasa"


@pytest.fixture
def production(settings):
    return dataclasses.replace(settings, profile="production", rasa_servers=2, database_url=PG_INTAKE,
                               tracker_store_url=PG_TRACKER, lock_store_url="redis://:s3cret@cache:6380/2")


def test_the_embedded_default_needs_nothing_and_has_one_server(settings):
    assert settings.profile == "embedded" and settings.rasa_urls == [settings.rasa_url]
    assert profile_problem(settings) is None
    assert engine.endpoints_file(settings) == "endpoints.yml"
    assert engine.lock_store_env(settings.lock_store_url) == {}


def test_several_servers_need_the_production_profile(settings):
    problem = profile_problem(dataclasses.replace(settings, rasa_servers=2))
    assert problem and "production" in problem


@pytest.mark.parametrize("missing", ["database_url", "tracker_store_url", "lock_store_url"])
def test_production_names_what_is_missing(production, settings, missing):
    value = None if missing == "lock_store_url" else getattr(settings, missing)  # back to SQLite
    problem = profile_problem(dataclasses.replace(production, **{missing: value}))
    assert problem and missing.upper() in problem
    with pytest.raises(StartupError, match=missing.upper()):
        backend(dataclasses.replace(production, **{missing: value}), production.models_dir / "m.tar.gz")


def test_production_servers_use_redis_and_consecutive_ports(production):
    assert profile_problem(production) is None
    assert production.rasa_urls == [f"http://127.0.0.1:{production.rasa_port + i}" for i in range(2)]
    second = rasa_server(production, production.models_dir / "m.tar.gz", 1)
    assert second.port == production.rasa_port + 1 and second.log_path.name == "rasa-2.log"
    assert second.command[second.command.index("--endpoints") + 1] == "endpoints.production.yml"
    assert second.command[second.command.index("--port") + 1] == str(production.rasa_port + 1)
    assert {name: second.env[name] for name in second.env if name.startswith("TNW_LOCK_STORE_")} == {
        "TNW_LOCK_STORE_HOST": "cache", "TNW_LOCK_STORE_PORT": "6380", "TNW_LOCK_STORE_DB": "2",
        "TNW_LOCK_STORE_PASSWORD": "s3cret",
    }
    assert second.env["TNW_COMPACT_AFTER_EVENTS"] == str(production.compact_after_events)


def test_a_lock_store_url_that_is_not_redis_is_refused():
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        engine.lock_store_env("http://cache:6379")


def test_the_production_endpoints_differ_only_by_the_lock_store():
    import yaml

    from settings import PROJECT_DIR

    embedded = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text())
    production = yaml.safe_load((PROJECT_DIR / "endpoints.production.yml").read_text())
    lock_store = production.pop("lock_store")
    assert production == embedded
    assert lock_store["type"] == "redis" and lock_store["url"] == "${TNW_LOCK_STORE_HOST}"


def test_tnw_run_refuses_the_production_profile_on_sqlite_before_doing_anything(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from tnw.cli import main

    monkeypatch.setenv("TNW_DATA_DIR", str(tmp_path / "var"))
    for name in ("DATABASE_URL", "TRACKER_STORE_URL", "LOCK_STORE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TNW_PROFILE", "embedded")  # so that the value `run --profile` sets is undone after
    result = CliRunner().invoke(main, ["run", "--profile", "production"])
    assert result.exit_code == 1
    assert "DATABASE_URL, TRACKER_STORE_URL, LOCK_STORE_URL" in result.output
    assert not (tmp_path / "var" / "db").exists()  # nothing migrated in the wrong place
