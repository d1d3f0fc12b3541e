"""Coordinator commands, outbox delivery and webhook mode (fake Bot API, scripted Rasa, SQLite)."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from telegram import Update

from bot.coordinator_commands import NOT_A_COORDINATOR, PRIVATE_ONLY
from bot.telegram_app import build_application
from intake import book_intake, free_slots, give_consent, record_unanswered_question, session_factory
from intake.outbox import outbox_stats
from intake.seed import seed_demo_data
from intake.timeutil import utcnow
from tests.telegram.frontend_support import fast_options, running_frontend

COORDINATOR = 7001
PARTICIPANT = 8001


@pytest.fixture
def sessions(intake_url):
    factory = session_factory(intake_url)
    with factory() as session:
        seed_demo_data(session, telegram_chat_ids={"CM": COORDINATOR}, telegram_token=None)
    return factory


def book(sessions, name="Jan Testmans", sender="telegram-test") -> int:
    with sessions() as session:
        give_consent(session, sender)
        slot = free_slots(session, mutualiteit="CM", postcode="9000")[0]
    with sessions() as session:
        view = book_intake(session, sender_id=sender, slot_id=slot.slot_id, name=name,
                           phone="0470123456", mutualiteit="CM", postcode="9000", topic="Terug na burn-out")
    return view.id


async def test_outbox_messages_reach_the_coordinator_even_after_telegram_was_down(
        tg_settings, fake_api, rasa, sessions):
    intake_id = book(sessions)
    fake_api.fail("sendMessage", 500, times=100)  # Telegram down (retries included)
    async with running_frontend(tg_settings, rasa.client(), options=fast_options(outbox_interval=0.2)):
        def failing():
            with sessions() as session:
                return outbox_stats(session)["failing"] == 1

        await fake_api.wait_for(failing, 15, "a failed delivery attempt")
        assert fake_api.sent_texts(COORDINATOR) == []
        fake_api.faults.clear()  # Telegram is back
        # The intake package waits 30 s before the next attempt; pretend that time has passed.
        from intake.models import OutboxMessage
        with sessions() as session:
            session.query(OutboxMessage).update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
            session.commit()
        texts = await fake_api.wait_for_texts(COORDINATOR, 1, 10)
    assert "Nieuwe intake" in texts[0] and f"#{intake_id}" in texts[0] and "Jan Testmans" in texts[0]
    assert "parse_mode" not in fake_api.calls_of("sendMessage", COORDINATOR)[-1].params
    with sessions() as session:
        assert outbox_stats(session) == {"pending": 0, "failing": 0, "blocked": 0, "sent": 1}


async def test_coordinator_commands(tg_settings, fake_api, rasa, sessions):
    intake_id = book(sessions)
    with sessions() as session:
        record_unanswered_question(session, "Krijg ik steun voor een elektrische fiets? Bel me op 0470123456")
        record_unanswered_question(session, "Wie betaalt een tolk op het werk?")
    async with running_frontend(tg_settings, rasa.client()):
        await fake_api.wait_for_texts(COORDINATOR, 1, 10)  # the booking notification
        for command in ("/intakes", f"/intake {intake_id}", "/intake", f"/klaar {intake_id}",
                        f"/nietgekomen {intake_id}", "/intake 99999", "/vragen"):
            before = len(fake_api.sent_texts(COORDINATOR))
            await fake_api.send_text(COORDINATOR, command)
            await fake_api.wait_for_texts(COORDINATOR, before + 1, 10)
        # The coordinator's command menu was registered for their chat only.
        assert any(f'"chat_id": {COORDINATOR}' in key for key in fake_api.commands)
    agenda, details, usage, done, no_show, missing, questions = fake_api.sent_texts(COORDINATOR)[1:]
    assert f"#{intake_id} Jan Testmans" in agenda
    assert "Telefoon" in details and "Terug na burn-out" in details
    assert "/intake 12" in usage
    # The intake lies ahead: it cannot be marked done or no-show yet.
    assert "begint pas op" in done and "begint pas op" in no_show
    assert missing and "Jan" not in missing
    # Anonymous questions are shown only when nothing personal was in them.
    assert "tolk op het werk" in questions
    assert "elektrische fiets" not in questions and "0470123456" not in questions
    assert rasa.received == []  # coordinator commands never go to Rasa


async def test_others_are_politely_refused(tg_settings, fake_api, rasa, sessions):
    intake_id = book(sessions)
    async with running_frontend(tg_settings, rasa.client()):
        for command in ("/intakes", f"/intake {intake_id}", f"/klaar {intake_id}", "/vragen", "/klaar"):
            await fake_api.send_text(PARTICIPANT, command)
        texts = await fake_api.wait_for_texts(PARTICIPANT, 5, 10)
    assert texts == [NOT_A_COORDINATOR] * 5
    assert rasa.received == []


async def test_webhook_mode_checks_the_secret_header(tg_settings, fake_api, rasa):
    from tnw.processes import free_port

    port = free_port()
    settings = dataclasses.replace(tg_settings, telegram_webhook_url=f"http://127.0.0.1:{port}/tg-hook",
                                   telegram_webhook_secret="s3cret-Token_1")
    application = build_application(settings, rasa.client(), options=fast_options())
    await application.initialize()
    try:
        await application.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="tg-hook", webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        assert fake_api.webhook == {"url": settings.telegram_webhook_url, "secret_token": "s3cret-Token_1",
                                    "allowed_updates": Update.ALL_TYPES}
        await fake_api.send_text(PARTICIPANT, "hallo via webhook")
        assert await fake_api.wait_for_texts(PARTICIPANT, 1, 10) == ["Je zei: hallo via webhook"]
        message = {"message_id": 99, "date": 0, "chat": {"id": PARTICIPANT, "type": "private"},
                   "from": {"id": PARTICIPANT, "is_bot": False, "first_name": "X"}, "text": "vals"}
        status = await fake_api.post_webhook_with_secret({"message": message}, "wrong-secret")
        assert status == 403
        # A later genuine update is the barrier: had the forged one been taken, it would be in before it.
        await fake_api.send_text(PARTICIPANT, "nog eens")
        assert await fake_api.wait_for_texts(PARTICIPANT, 2, 10) == ["Je zei: hallo via webhook", "Je zei: nog eens"]
        assert [t for _, t in rasa.received] == ["hallo via webhook", "nog eens"]
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def test_commands_refused_in_a_group_chat(tg_settings, fake_api, rasa, sessions):
    """Even a chat registered before group ids were refused gets nothing outside a private chat."""
    import sqlalchemy as sa

    from intake.models import Coordinator

    group = -100777
    with sessions() as session:  # an old registration of a group, written around the checks
        session.execute(sa.update(Coordinator).where(Coordinator.telegram_chat_id == COORDINATOR)
                        .values(telegram_chat_id=group))
        session.commit()
    intake_id = book(sessions)
    async with running_frontend(tg_settings, rasa.client()):
        for command in ("/intakes", f"/intake {intake_id}", "/vragen"):
            message = fake_api._user_message(group, text=command, entities=[
                {"type": "bot_command", "offset": 0, "length": len(command.split()[0])}])
            message["chat"] = {"id": group, "type": "supergroup", "title": "Team"}
            await fake_api.push({"message": message})
        texts = await fake_api.wait_for_texts(group, 3, 10)
    assert texts == [PRIVATE_ONLY] * 3  # and no booking notification reached the group either
    assert not any("Jan Testmans" in t for t in fake_api.sent_texts(group))
    assert rasa.received == []


class FakeBot:
    def __init__(self, error=None):
        self.error = error
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id, text):
        if self.error is not None:
            raise self.error
        self.sent.append((chat_id, text))


async def test_a_blocked_bot_stops_the_retries(sessions, caplog):
    from telegram.error import Forbidden

    from bot.notifications import OutboxDelivery

    book(sessions)
    book(sessions, name="Els Testmans", sender="telegram-test-2")
    delivery = OutboxDelivery(sessions, FakeBot(Forbidden("Forbidden: bot was blocked by the user")))
    with caplog.at_level("WARNING"):
        assert await delivery.deliver_once() == 2
    assert delivery.blocked == 1  # the first one; the second was held back with it
    assert "blocked the bot" in caplog.text and "Testmans" not in caplog.text
    with sessions() as session:
        assert outbox_stats(session) == {"pending": 2, "failing": 1, "blocked": 2, "sent": 0}
    # No retries: nothing is claimed any more, not even much later.
    assert await OutboxDelivery(sessions, FakeBot()).deliver_once() == 0


async def test_a_failed_message_holds_back_the_later_ones_of_that_chat(sessions):
    from telegram.error import BadRequest

    from bot.notifications import OutboxDelivery

    book(sessions)
    book(sessions, name="Els Testmans", sender="telegram-test-2")
    delivery = OutboxDelivery(sessions, FakeBot(BadRequest("Chat not found")))
    await delivery.deliver_once()
    assert delivery.failed == 1  # only the first was tried
    with sessions() as session:
        stats = outbox_stats(session)
        assert stats == {"pending": 2, "failing": 1, "blocked": 0, "sent": 0}
        from intake.outbox import pending_messages

        waiting = pending_messages(session)
    assert len(waiting) == 1 and waiting[0].attempts == 0  # given back, unsent, due again
