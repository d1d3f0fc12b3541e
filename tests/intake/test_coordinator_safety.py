"""Coordinator safety: no group chats, no /klaar before the start, no demo data with a real bot."""
from __future__ import annotations

from datetime import timedelta

import pytest

from intake.booking import book_intake
from intake.coordinators import mark_intake, set_telegram_chat_id
from intake.errors import IntakeNotChangeable, ValidationError
from intake.seed import seed_demo_data


def test_group_chat_ids_are_refused(session, make_coordinator):
    c = make_coordinator(session, chat_id=10)
    with pytest.raises(ValidationError, match="group"):
        set_telegram_chat_id(session, c.id, "-100123456")
    with pytest.raises(ValidationError, match="group"):
        make_coordinator(session, chat_id=-5)
    assert set_telegram_chat_id(session, c.id, "4242").telegram_chat_id == 4242
    assert set_telegram_chat_id(session, c.id, None).telegram_chat_id is None


def test_done_and_no_show_only_after_the_start(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session, chat_id=10)
    start = now + timedelta(days=1)
    view = book_intake(session, sender_id=consenting(session), slot_id=make_slot(session, c, start).id, **booking())
    for status in ("done", "no_show"):
        with pytest.raises(IntakeNotChangeable, match="begint pas op"):
            mark_intake(session, 10, view.id, status, now=start - timedelta(minutes=1))
    assert mark_intake(session, 10, view.id, "done", now=start).status == "done"
    assert mark_intake(session, 10, view.id, "no_show", now=start + timedelta(hours=1)).status == "no_show"


def test_no_demo_coordinators_with_a_telegram_token(session, now):
    assert seed_demo_data(session, now, telegram_token="123:abc") == {"coordinators": 0, "slots": 0, "skipped": 1}
    with pytest.raises(TypeError):  # every caller passes its settings' token (the CLI: test_cli_and_seed)
        seed_demo_data(session, now)  # type: ignore[call-arg]
    assert seed_demo_data(session, now, telegram_token=None)["coordinators"] >= 3
