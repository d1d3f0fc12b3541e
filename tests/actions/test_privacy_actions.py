"""Privacy actions: show what is stored, and erase it (the conversation too, durably)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from actions.appointments import ActionConfirmationDeclined
from actions.booking_slots import STEP_SLOT
from actions.privacy import (
    DELETE_CONVERSATION_KEY,
    ActionPrivacyAskDelete,
    ActionPrivacyDelete,
    ActionPrivacyShow,
)
from actions.texts import CONVERSATION_GOES
from intake import export_personal_data, has_consent, upcoming_intakes
from tests.actions.booking_support import SENDER, book, payloads, run, texts, tracker


def test_show_data_when_nothing_is_stored(kb_env):
    messages, _, _ = run(ActionPrivacyShow(), tracker("wat weten jullie over mij", "privacy_show_data"))
    assert "Ik heb geen afspraak en geen toestemming van je bewaard." in texts(messages)
    assert "Ook ons gesprek wordt bewaard" in texts(messages) and "90 dagen" in texts(messages)
    assert payloads(messages) == ["/privacy_delete_data"]


def test_show_data_lists_the_appointment_and_consent(slots, consented):
    book(slots[0])
    messages, _, _ = run(ActionPrivacyShow(), tracker("mijn gegevens", "privacy_show_data"))
    text = texts(messages)
    assert "Jan Peeters" in text and "+32470123456" in text and "9000" in text
    assert "Toestemming om een afspraak te plannen" in text
    assert "(gepland)" in text and "booked" not in text  # all in Dutch
    assert "Ook ons gesprek wordt bewaard" in text and "90 dagen" in text


def test_show_data_names_the_configured_conversation_period(kb_env, monkeypatch):
    monkeypatch.setenv("TNW_KEEP_CONVERSATIONS_DAYS", "30")
    messages, _, _ = run(ActionPrivacyShow(), tracker("wat weten jullie over mij", "privacy_show_data"))
    assert "30 dagen" in texts(messages)


def test_delete_asks_first_and_names_the_appointment(slots, consented):
    book(slots[0])
    messages, state, _ = run(ActionPrivacyAskDelete(), tracker("wis mijn gegevens", "privacy_delete_data"))
    assert "afspraak van" in texts(messages) and "gesprek" in texts(messages)
    assert payloads(messages) == ["/affirm", "/deny"] and state[STEP_SLOT] == "confirm_delete"


def test_delete_confirmed_erases_data_and_asks_the_front_end_to_erase_the_conversation(db, slots, consented):
    book(slots[0])
    messages, _, events = run(ActionPrivacyDelete(), tracker("ja", "affirm", slots={STEP_SLOT: "confirm_delete"}))
    assert "geannuleerd" in messages[0]["text"] and CONVERSATION_GOES in messages[0]["text"]
    assert messages[-1]["custom"] == {DELETE_CONVERSATION_KEY: True}
    assert messages[-1].get("text") is None  # the instruction is never shown as text
    assert events == [{"event": "reset_slots", "timestamp": None}]
    with db() as session:
        assert upcoming_intakes(session, SENDER) == []
        assert not has_consent(session, SENDER)
        data = export_personal_data(session, SENDER)
        assert data["intakes"] == [] and data["consents"] == []


def test_delete_with_nothing_stored_still_erases_the_conversation(kb_env):
    messages, _, _ = run(ActionPrivacyDelete(), tracker("ja", "affirm"))
    assert messages[0]["text"].startswith("Klaar.")
    assert messages[-1]["custom"] == {DELETE_CONVERSATION_KEY: True}


def test_delete_declined_keeps_everything(db, slots, consented):
    book(slots[0])
    messages, state, _ = run(ActionConfirmationDeclined(),
                             tracker("nee", "deny", slots={STEP_SLOT: "confirm_delete"}))
    assert texts(messages) == "Oké, ik wis niets." and state[STEP_SLOT] is None
    with db() as session:
        assert len(upcoming_intakes(session, SENDER)) == 1


def test_delete_failing_does_not_ask_to_erase_the_conversation(monkeypatch, kb_env):
    from sqlalchemy.exc import OperationalError

    import actions.booking_storage as booking

    def broken():
        raise OperationalError("delete", {}, Exception("down"))

    monkeypatch.setattr(booking, "default_session_factory", lambda: broken)
    messages, state, _ = run(ActionPrivacyDelete(), tracker("ja", "affirm"))
    assert "niet gelukt" in texts(messages)
    assert not any(m.get("custom") for m in messages)


EVENTS = sa.Table(  # as Rasa 3.6's SQLTrackerStore creates it
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)


def _tracker_store(url, rows=()):
    engine = sa.create_engine(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for sender, when in rows:
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="user",
                                                      timestamp=when.timestamp(), data="{}"))
        count = dict(connection.execute(
            sa.select(EVENTS.c.sender_id, sa.func.count()).group_by(EVENTS.c.sender_id)).all())
    engine.dispose()
    return count


def test_erasure_is_durable_when_the_confirmation_never_arrives(db, kb_env, slots, consented):
    """The action deletes the stored conversation before it confirms; the turn Rasa saves after
    it (the front end never deleted it: sending the confirmation failed, or Rasa timed out) is
    deleted by the pending erasure, which then disappears."""
    from intake.erasure import SETTLE, process_pending_erasures
    from intake.models import PendingErasure
    from intake.timeutil import utcnow

    book(slots[0])
    url = kb_env.tracker_store_url
    start = utcnow() - timedelta(minutes=5)
    assert _tracker_store(url, [(SENDER, start), (SENDER, start), ("test-other", start)]) == {
        SENDER: 2, "test-other": 1}
    messages, _, _ = run(ActionPrivacyDelete(), tracker("ja", "affirm", slots={STEP_SLOT: "confirm_delete"}))
    assert messages[0]["text"].startswith("Klaar.")
    assert _tracker_store(url) == {"test-other": 1}  # gone before the confirmation
    with db() as session:
        requested = session.scalars(sa.select(PendingErasure)).one().requested_at
    # Rasa saves the erasure turn after the action (no front end deletes it); a new message
    # long after the erasure starts a conversation that is kept.
    assert _tracker_store(url, [(SENDER, requested + timedelta(seconds=1)),
                                (SENDER, requested + SETTLE + timedelta(minutes=5))])[SENDER] == 2
    assert process_pending_erasures(db, url, now=requested + timedelta(seconds=5)) == {
        "done": 0, "waiting": 1, "failed": 0}
    assert _tracker_store(url)[SENDER] == 1
    assert process_pending_erasures(db, url, now=requested + SETTLE) == {"done": 1, "waiting": 0, "failed": 0}
    with db() as session:
        assert session.scalars(sa.select(PendingErasure)).all() == []


def test_erasure_retries_while_the_tracker_store_is_down(db, kb_env, consented, monkeypatch):
    from intake import erasure
    from intake.erasure import SETTLE, process_pending_erasures
    from intake.models import PendingErasure

    def down(*_args, **_kwargs):
        raise sa.exc.OperationalError("delete", {}, Exception("down"))

    monkeypatch.setattr("actions.privacy.delete_conversation", down)
    messages, _, _ = run(ActionPrivacyDelete(), tracker("ja", "affirm"))
    assert messages[0]["text"].startswith("Klaar.")  # the data is gone; the conversation follows
    with db() as session:
        row = session.scalars(sa.select(PendingErasure)).one()
    later = row.requested_at + SETTLE
    working = erasure.delete_conversation
    monkeypatch.setattr(erasure, "delete_conversation", down)
    assert process_pending_erasures(db, kb_env.tracker_store_url, now=later)["failed"] == 1
    with db() as session:
        kept = session.get(PendingErasure, row.id)
        assert kept.attempts == 1 and kept.last_error == "OperationalError" and kept.next_attempt_at > later
    monkeypatch.setattr(erasure, "delete_conversation", working)
    assert process_pending_erasures(db, kb_env.tracker_store_url, now=later + timedelta(hours=1))["done"] == 1
