"""Everything `tnw run` builds before the servers start, each step skipped when up to date."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from settings import Settings
from tnw import engine


def prepare_database(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Migrate the intake database; in the embedded default also add demo coordinators and slots."""
    from intake.db import session_factory, upgrade
    from intake.key_check import check_pseudonym_key
    from intake.seed import seed_demo_data

    upgrade(settings.database_url)
    with session_factory(settings.database_url)() as session:
        check_pseudonym_key(session, settings.sender_secret)  # KeyMismatch stops the start
    if settings.demo_data:
        with session_factory(settings.database_url)() as session:
            created = seed_demo_data(session, telegram_token=settings.telegram_bot_token)
        if created.get("skipped"):
            echo("No demo coordinators: a Telegram bot token is set (register real ones with tnw coordinators).")
        else:
            echo(f"Demo coordinators ready ({created['slots']} new slots).")


def prepare_index(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Build the search index when documents, model or settings changed.

    An index that is current is left for the action server to load: loading it here as well
    cost every start about 7 s (bench/cold_start.py).
    """
    from knowledge_base.search import KnowledgeBase

    if KnowledgeBase.index_is_current(settings):
        echo("Knowledge base index up to date.")
        return
    started = time.monotonic()
    knowledge_base = KnowledgeBase.load(settings, show_progress=True)
    echo(f"Knowledge base ready: {len(knowledge_base.documents)} documents ({time.monotonic() - started:.1f} s).")


def prepare(settings: Settings, echo: Callable[[str], None] = print) -> Path:
    """Model, database and index; returns the model to serve."""
    model = engine.train(settings, echo=echo)
    prepare_database(settings, echo)
    prepare_index(settings, echo)
    return model
