from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from intake.booking import book_intake
from intake.coordinators import set_telegram_chat_id
from intake.models import OutboxMessage
from intake.outbox import backoff_delay, mark_failed, mark_sent, outbox_stats, pending_messages


def _book(session, coordinator, make_slot, consenting, booking, now, sender="telegram-o", days=1):
    slot = make_slot(session, coordinator, now + timedelta(days=days))
    consenting(session, sender)
    return book_intake(session, sender_id=sender, slot_id=slot.id, **booking())


def test_pending_sent_and_backoff(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session, chat_id=100123)
    _book(session, c, make_slot, consenting, booking, now)
    [message] = pending_messages(session, now=now)
    assert message.chat_id == 100123 and message.kind == "new" and message.attempts == 0
    assert "Nieuwe intake" in message.text

    # Failures back off exponentially: 30 s, 1 min, 2 min, …; never dropped.
    t = now
    delays = []
    for _ in range(12):
        retry_at = mark_failed(session, message.id, ConnectionError("Telegram down"), now=t)
        delays.append(retry_at - t)
        assert pending_messages(session, now=retry_at - timedelta(seconds=1)) == []
        assert [m.id for m in pending_messages(session, now=retry_at)] == [message.id]
        t = retry_at
    assert delays[:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                          timedelta(minutes=4)]
    assert delays[-1] == timedelta(hours=1)  # capped
    stored = session.get(OutboxMessage, message.id)
    assert stored.attempts == 12 and stored.last_error == "Telegram down" and stored.sent_at is None
    assert outbox_stats(session) == {"pending": 1, "failing": 1, "blocked": 0, "sent": 0}

    mark_sent(session, message.id, now=t)
    assert pending_messages(session, now=t + timedelta(days=1)) == []
    session.expire_all()
    assert session.get(OutboxMessage, message.id).sent_at == t
    assert mark_failed(session, message.id, "late error", now=t) is None  # sent stays sent
    assert outbox_stats(session)["sent"] == 1


def test_backoff_delay():
    assert backoff_delay(0) == timedelta(0)
    assert backoff_delay(1) == timedelta(seconds=30)
    assert backoff_delay(1000) == timedelta(hours=1)


def test_message_waits_for_a_chat_id(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session)  # no Telegram chat id yet
    _book(session, c, make_slot, consenting, booking, now)
    assert pending_messages(session, now=now) == []
    set_telegram_chat_id(session, c.id, 4242)
    [message] = pending_messages(session, now=now)
    assert message.chat_id == 4242


def test_oldest_first_and_limit(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session, chat_id=1)
    for i in range(3):
        _book(session, c, make_slot, consenting, booking, now + timedelta(seconds=i),
              sender=f"telegram-{i}", days=i + 1)
    messages = pending_messages(session, now=now + timedelta(minutes=1), limit=2)
    assert len(messages) == 2 and messages[0].id < messages[1].id
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3
