from __future__ import annotations

from datetime import timedelta

import click
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from intake import db as intake_db
from intake.booking import free_slots
from intake.cli import register
from intake.models import Coordinator, Slot
from intake.mutualiteiten import MUTUALITEITEN
from intake.regions import PROVINCES
from intake.seed import seed_demo_data
from settings import load_settings


@pytest.fixture
def tnw(tmp_path):
    @click.group()
    @click.pass_context
    def main(ctx):
        ctx.obj = load_settings()  # as the `tnw` command does: read once, handed to every subcommand

    register(main)
    url = f"sqlite:///{tmp_path / 'db' / 'cli.db'}"
    runner = CliRunner()
    env = {"DATABASE_URL": url, "TNW_DATA_DIR": str(tmp_path / "data"),
           "RASA_AUTH_TOKEN": "x", "TNW_SENDER_SECRET": "y"}

    def run(*args, ok=True, **more_env):
        result = runner.invoke(main, list(args), env={**env, **more_env}, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run.url = url
    return run


def test_cli_end_to_end(tnw):
    result = tnw("coordinators", "list", ok=False)
    assert result.exit_code != 0 and "tnw db upgrade" in result.output
    assert "revision 0003" in tnw("db", "upgrade").output
    assert "revision 0003" in tnw("db", "upgrade").output  # twice is fine
    out = tnw("coordinators", "add", "--name", "Test Persoon", "--mutualiteit", "partena",
              "--province", "Antwerpen", "--province", "limburg", "--telegram-chat-id", "555",
              "--phone", "0470/12.34.56").output
    assert "Coordinator 1 added: Test Persoon (Helan; antwerpen, limburg)" in out
    bad = tnw("coordinators", "add", "--name", "X", "--mutualiteit", "Atlantis", "--province", "antwerpen", ok=False)
    assert bad.exit_code != 0 and "Unknown mutualiteit" in bad.output
    tnw("coordinators", "schedule", "1", "--day", "dinsdag", "--from", "09:00", "--to", "11:00")
    assert "new slot(s)" in tnw("slots", "generate", "--weeks", "2").output
    listing = tnw("coordinators", "list").output
    assert "Test Persoon" in listing and "0470 12 34 56" in listing and "di 09:00-11:00/45'" in listing
    assert "Demo" in tnw("db", "seed-demo").output
    assert "0 new coordinators, 0 new slots" in tnw("db", "seed-demo").output
    assert "free" in tnw("slots", "list", "--days", "21").output
    assert "deactivated" in tnw("coordinators", "deactivate", "1").output
    engine = intake_db.make_engine(tnw.url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT active FROM coordinators WHERE id = 1")).scalar() in (0, False)
    engine.dispose()
    assert "Revision: 0003" in tnw("db", "status").output
    assert "intakes anonymised: 0" in tnw("db", "purge", "--keep-days", "30").output
    assert "blocked: 0" in tnw("outbox", "status").output
    dry = tnw("db", "purge", "--dry-run", "--conversations-days", "7").output
    assert "dry run, nothing changed" in dry and "conversations 7" in dry and "would remove" in dry


def test_seed_demo_refuses_with_a_telegram_token_in_the_settings(tnw):
    tnw("db", "upgrade")
    result = tnw("db", "seed-demo", ok=False, TELEGRAM_BOT_TOKEN="123:abc")
    assert result.exit_code != 0 and "TELEGRAM_BOT_TOKEN is set" in result.output
    assert "Demo" not in tnw("coordinators", "list").output


def test_seed_is_idempotent_and_varied(session, now):
    first = seed_demo_data(session, now, telegram_token=None)
    assert first["coordinators"] >= 3 and first["slots"] > 20
    assert seed_demo_data(session, now, telegram_token=None) == {"coordinators": 0, "slots": 0}
    coordinators = session.scalars(sa.select(Coordinator)).all()
    assert len({c.mutualiteit for c in coordinators}) == len(coordinators)
    assert all(c.mutualiteit in MUTUALITEITEN for c in coordinators)
    assert all(c.name.startswith("Demo ") and c.telegram_chat_id is None for c in coordinators)
    assert len({p for c in coordinators for p in c.provinces}) >= 5
    assert all(p in PROVINCES for c in coordinators for p in c.provinces)
    last = session.scalar(sa.select(sa.func.max(Slot.starts_at)))
    assert now < last <= now + timedelta(days=14)
    assert free_slots(session, mutualiteit="CM", postcode="9000", now=now)
    # A week later, a top-up adds the new days only.
    assert seed_demo_data(session, now + timedelta(days=7), telegram_token=None)["slots"] > 0


def test_seed_assigns_a_chat_id(session, now):
    seed_demo_data(session, now, telegram_chat_ids={"CM": 4242}, telegram_token=None)
    cm = session.scalars(sa.select(Coordinator).where(Coordinator.mutualiteit == "CM")).one()
    assert cm.telegram_chat_id == 4242
