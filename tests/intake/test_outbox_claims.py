"""Outbox claims: a row is claimed before it is sent (two senders never send the same one),
messages of one coordinator's chat (so of one intake) go out in order, and a 403 stops the retries."""
from __future__ import annotations

import threading
from datetime import timedelta

from intake.booking import book_intake, cancel_intake, reschedule_intake
from intake.coordinators import set_telegram_chat_id
from intake.db import session_factory
from intake.outbox import (
    CLAIM_LEASE,
    blocked_coordinators,
    claim_messages,
    mark_blocked,
    mark_failed,
    mark_sent,
    outbox_stats,
    pending_messages,
    release_claims,
)


def _booked(session, coordinator, make_slot, consenting, booking, now, sender, days=1):
    consenting(session, sender)
    slot = make_slot(session, coordinator, now + timedelta(days=days))
    return book_intake(session, sender_id=sender, slot_id=slot.id, **booking())


def test_claimed_rows_are_not_handed_out_twice(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session, chat_id=11)
    for i in range(3):
        _booked(session, c, make_slot, consenting, booking, now, f"telegram-{i}", days=i + 1)
    c2 = make_coordinator(session, chat_id=22)
    _booked(session, c2, make_slot, consenting, booking, now, "telegram-x", days=5)
    first = claim_messages(session, now=now, limit=2)
    assert [m.chat_id for m in first] == [11, 11]
    second = claim_messages(session, now=now)
    # Coordinator 11's third message waits behind the two claimed ones; 22's goes.
    assert [m.chat_id for m in second] == [22]
    assert claim_messages(session, now=now) == []
    mark_sent(session, second[0].id, now=now)
    second = [m for m in claim_messages(session, now=now + CLAIM_LEASE + timedelta(seconds=1), limit=3)
              if m.id not in {f.id for f in first}]
    assert len(second) == 1 and {m.id for m in first}.isdisjoint(m.id for m in second)
    # A crashed sender's claim lapses: the message goes again (at least once).
    again = claim_messages(session, now=now + 2 * CLAIM_LEASE + timedelta(seconds=2))
    assert [m.id for m in again] == sorted(m.id for m in first + second)
    mark_sent(session, again[0].id, now=now)
    failed_at = now + 2 * CLAIM_LEASE + timedelta(seconds=3)
    mark_failed(session, again[1].id, "Timed out", now=failed_at)  # the failure releases the claim
    assert [m.id for m in claim_messages(session, now=failed_at + timedelta(seconds=30))] == [again[1].id]


def test_messages_of_one_intake_go_out_in_order(session, make_coordinator, make_slot, consenting, booking, now):
    c = make_coordinator(session, chat_id=11)
    view = _booked(session, c, make_slot, consenting, booking, now, "telegram-order")
    moved = reschedule_intake(session, "telegram-order", view.id, make_slot(session, c, now + timedelta(days=3)).id,
                              now=now)
    cancel_intake(session, "telegram-order", moved.id, now=now)
    batch = claim_messages(session, now=now)
    assert [m.kind for m in batch] == ["new", "rescheduled", "cancelled"]
    # The first attempt fails: the sender gives back the rest, and they wait behind it.
    mark_failed(session, batch[0].id, "Telegram down", now=now)
    release_claims(session, [m.id for m in batch[1:]])
    assert claim_messages(session, now=now + timedelta(seconds=1)) == []
    assert [m.kind for m in claim_messages(session, now=now + timedelta(seconds=30))] == [
        "new", "rescheduled", "cancelled"]


def test_forbidden_stops_the_retries_until_a_new_chat_id(session, make_coordinator, make_slot, consenting,
                                                         booking, now):
    c = make_coordinator(session, chat_id=11, name="Coördinator Geblokkeerd")
    _booked(session, c, make_slot, consenting, booking, now, "telegram-a", days=1)
    _booked(session, c, make_slot, consenting, booking, now, "telegram-b", days=2)
    first = claim_messages(session, now=now, limit=1)[0]
    mark_blocked(session, first.id, "Forbidden: bot was blocked by the user", now=now)
    assert claim_messages(session, now=now + timedelta(days=30)) == []
    assert pending_messages(session, now=now + timedelta(days=30)) == []
    assert outbox_stats(session) == {"pending": 2, "failing": 1, "blocked": 2, "sent": 0}
    assert blocked_coordinators(session) == [(c.id, "Coördinator Geblokkeerd", 2)]
    set_telegram_chat_id(session, c.id, 12)
    assert len(claim_messages(session, now=now)) == 2
    assert outbox_stats(session)["blocked"] == 0


def test_two_senders_on_postgresql_claim_each_row_once(pg_url, make_coordinator, make_slot, consenting,
                                                       booking, now):
    """Two senders work the outbox at the same time (SKIP LOCKED): every message is claimed and
    sent exactly once, and each coordinator's messages are sent in the order they were written."""
    factory = session_factory(pg_url)
    try:
        with factory() as session:
            coordinators = [make_coordinator(session, chat_id=20 + i) for i in range(4)]
            for i in range(40):
                _booked(session, coordinators[i % 4], make_slot, consenting, booking, now,
                        f"telegram-pg-{i}", days=1 + i // 4)
        sent: list[tuple[str, int, int]] = []  # (sender, chat, message id), in sending order
        start = threading.Barrier(2)
        errors = []

        def sender(name: str) -> None:
            try:
                start.wait(5)
                idle = 0
                while idle < 3:
                    with factory() as session:
                        batch = claim_messages(session, now=now, limit=3)
                    idle = 0 if batch else idle + 1
                    for message in batch:
                        sent.append((name, message.chat_id, message.id))
                        with factory() as session:
                            mark_sent(session, message.id, now=now)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=sender, args=(n,)) for n in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        ids = [m for _, _, m in sent]
        assert len(ids) == 40 and len(set(ids)) == 40  # all sent, none twice
        for chat in {c for _, c, _ in sent}:
            in_chat = [m for _, c, m in sent if c == chat]
            assert in_chat == sorted(in_chat)  # per chat, in the order written
        assert {n for n, _, _ in sent} == {"a", "b"}  # both senders did work
        with factory() as session:
            assert outbox_stats(session)["sent"] == 40
    finally:
        factory.kw["bind"].dispose()
