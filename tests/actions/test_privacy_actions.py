"""Privacy actions: show what is stored, and erase it (the conversation via the front end)."""
from __future__ import annotations

from test_booking_actions import (  # noqa: F401 - fixtures
    FORM_VALUES, SENDER, book, consented, coordinator, db, payloads, run, slots, texts, tracker,
)

from actions import booking_helpers as h
from actions.booking import ActionConfirmationDeclined
from actions.privacy import (
    CONVERSATION_GOES, DELETE_CONVERSATION_KEY, ActionPrivacyAskDelete, ActionPrivacyDelete,
    ActionPrivacyShow,
)
from intake import export_personal_data, has_consent, upcoming_intakes


def test_show_data_when_nothing_is_stored(kb_env):
    messages, _, _ = run(ActionPrivacyShow(), tracker("wat weten jullie over mij", "privacy_show_data"))
    assert "Ik heb geen gegevens van je bewaard." in texts(messages)
    assert "gesprek" in texts(messages) and payloads(messages) == ["/privacy_delete_data"]


def test_show_data_lists_the_appointment_and_consent(slots, consented):
    book(slots[0])
    messages, _, _ = run(ActionPrivacyShow(), tracker("mijn gegevens", "privacy_show_data"))
    text = texts(messages)
    assert "Jan Peeters" in text and "+32470123456" in text and "9000" in text
    assert "Toestemming" in text


def test_delete_asks_first_and_names_the_appointment(slots, consented):
    book(slots[0])
    messages, state, _ = run(ActionPrivacyAskDelete(), tracker("wis mijn gegevens", "privacy_delete_data"))
    assert "afspraak van" in texts(messages) and "gesprek" in texts(messages)
    assert payloads(messages) == ["/affirm", "/deny"] and state[h.STEP_SLOT] == "confirm_delete"


def test_delete_confirmed_erases_data_and_asks_the_front_end_to_erase_the_conversation(db, slots, consented):
    book(slots[0])
    messages, _, events = run(ActionPrivacyDelete(), tracker("ja", "affirm", slots={h.STEP_SLOT: "confirm_delete"}))
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
    messages, state, _ = run(ActionConfirmationDeclined(), tracker("nee", "deny", slots={h.STEP_SLOT: "confirm_delete"}))
    assert texts(messages) == "Oké, ik wis niets." and state[h.STEP_SLOT] is None
    with db() as session:
        assert len(upcoming_intakes(session, SENDER)) == 1


def test_delete_failing_does_not_ask_to_erase_the_conversation(monkeypatch, kb_env):
    from sqlalchemy.exc import OperationalError

    import actions.booking as booking

    def broken():
        raise OperationalError("delete", {}, Exception("down"))

    monkeypatch.setattr(booking, "default_session_factory", lambda: broken)
    messages, state, _ = run(ActionPrivacyDelete(), tracker("ja", "affirm"))
    assert "niet gelukt" in texts(messages)
    assert not any(m.get("custom") for m in messages)
