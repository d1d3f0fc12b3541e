"""Gap log: scrubbed on the way in; each coordinator sees their own ziekenfonds' questions and
the anonymous ones with nothing personal in them."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from intake.booking import book_intake
from intake.coordinators import coordinator_gaps
from intake.gaps import LINK_WINDOW, record_unanswered_question, unanswered_questions
from intake.models import UnansweredQuestion


def _texts(gaps):
    return sorted(g.text for g in gaps)


def test_visibility_per_ziekenfonds(session, make_coordinator, make_slot, consenting, booking, now):
    cm = make_coordinator(session, mutualiteit="CM", chat_id=101)
    helan = make_coordinator(session, mutualiteit="Helan", chat_id=202)
    slot = make_slot(session, cm, now + timedelta(days=2))
    sender = consenting(session, "telegram-linked")
    # Asked before booking: linked once the conversation books with a CM coordinator.
    record_unanswered_question(session, "Ik heb kanker, krijg ik VOP?", sender_id=sender, now=now)
    record_unanswered_question(session, "Wie betaalt een tolk?", sender_id="telegram-stranger", now=now)
    record_unanswered_question(session, "Ik ben Jan Peeters, wat is BTOM?", now=now)  # personal, no link
    book_intake(session, sender_id=sender, slot_id=slot.id, **booking())
    # Asked after booking: linked at once.
    record_unanswered_question(session, "Mag ik halftijds met diabetes?", sender_id=sender, now=now)

    assert _texts(coordinator_gaps(session, 101, now=now)) == [
        "Ik heb [gezondheid], krijg ik VOP?", "Mag ik halftijds met [gezondheid]?", "Wie betaalt een tolk?"]
    assert _texts(coordinator_gaps(session, 202, now=now)) == ["Wie betaalt een tolk?"]
    assert len(unanswered_questions(session, now=now)) == 4  # operators: everything, scrubbed
    rows = session.scalars(sa.select(UnansweredQuestion)).all()
    assert all(r.sender_ref in (None, "telegram-stranger") for r in rows)
    assert helan.id != cm.id


def test_link_window_is_limited(session, make_coordinator, make_slot, consenting, booking, now):
    cm = make_coordinator(session, mutualiteit="CM", chat_id=101)
    sender = consenting(session, "telegram-late")
    record_unanswered_question(session, "Ik heb MS, wat nu?", sender_id=sender,
                               now=now - LINK_WINDOW - timedelta(minutes=1))
    book_intake(session, sender_id=sender, slot_id=make_slot(session, cm, now + timedelta(days=2)).id, **booking())
    assert coordinator_gaps(session, 101, now=now) == []  # too old to be linked, and personal
