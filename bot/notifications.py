"""Delivering coordinator notifications from the intake outbox to Telegram.

The outbox row is written in the same transaction as the booking, so nothing is lost when
Telegram or this process is down: the loop claims what is due (`intake.outbox.claim_messages`:
no other sender gets those rows, and a chat's messages come in the order they were written),
sends it as plain text (it contains what participants typed), and marks it sent — or failed,
after which the intake package schedules the next attempt with backoff (30 s, 1 min, … 1 h).
A 403 (the coordinator blocked the bot) stops the retries for that chat, with a warning here
and a count in `tnw outbox status`. When a message fails, the later ones of that chat are given
back unsent so they keep their order. Delivery is at least once.
"""
from __future__ import annotations

import asyncio
import logging

from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.telegram_render import split_text

log = logging.getLogger(__name__)


class OutboxDelivery:
    def __init__(self, session_factory, bot, *, interval: float = 5.0, batch: int = 20) -> None:
        self._session_factory = session_factory
        self._bot = bot
        self.rounds = 0
        self.interval = interval
        self.batch = batch
        self.sent = 0
        self.failed = 0
        self.blocked = 0
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look at the outbox now instead of after the interval."""
        self._wake.set()

    # -- database (synchronous, run in a worker thread)

    def _pending(self):
        from intake.outbox import claim_messages

        with self._session_factory() as session:
            return claim_messages(session, limit=self.batch)

    def _mark_blocked(self, message_id: int, error: str) -> None:
        from intake.outbox import mark_blocked

        with self._session_factory() as session:
            mark_blocked(session, message_id, error)

    def _release(self, message_ids: list[int]) -> None:
        from intake.outbox import release_claims

        with self._session_factory() as session:
            release_claims(session, message_ids)

    def _mark_sent(self, message_id: int) -> None:
        from intake import mark_sent

        with self._session_factory() as session:
            mark_sent(session, message_id)

    def _mark_failed(self, message_id: int, error: str) -> None:
        from intake import mark_failed

        with self._session_factory() as session:
            mark_failed(session, message_id, error)

    # -- delivery

    async def deliver_once(self) -> int:
        """Send what is due; returns how many messages were looked at."""
        pending = await asyncio.to_thread(self._pending)
        held_back: set[int] = set()  # chats whose earlier message failed in this round
        give_back: list[int] = []
        for index, message in enumerate(pending):
            if message.chat_id in held_back:
                give_back.append(message.id)
                continue
            try:
                for chunk in split_text(message.text) or ["(leeg bericht)"]:
                    await self._bot.send_message(message.chat_id, chunk)
            except TelegramError as exc:
                self.failed += 1
                held_back.add(message.chat_id)
                # Telegram's error text names no chat and no content; keep it for the operator.
                error = f"{type(exc).__name__}: {exc}"
                if isinstance(exc, Forbidden):
                    self.blocked += 1
                    log.warning("Outbox message %d: the coordinator's chat blocked the bot (403); "
                                "not retried until the chat id is set again (tnw outbox status)", message.id)
                    await asyncio.to_thread(self._mark_blocked, message.id, error)
                    continue
                log.warning("Outbox message %d not delivered (%s)", message.id, type(exc).__name__)
                await asyncio.to_thread(self._mark_failed, message.id, error)
                if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
                    # Telegram is unreachable: leave the rest for the next round.
                    give_back.extend(m.id for m in pending[index + 1:])
                    break
                continue
            await asyncio.to_thread(self._mark_sent, message.id)
            self.sent += 1
            log.info("Outbox message %d delivered", message.id)
        if give_back:
            await asyncio.to_thread(self._release, give_back)
        return len(pending)

    async def run_forever(self) -> None:
        failures = 0
        while True:
            try:
                looked_at = await self.deliver_once()
                failures = 0
                self.rounds += 1  # rounds done, for whoever watches the delivery (the tests do)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. the database is not migrated yet
                failures += 1
                looked_at = 0
                if failures == 1 or failures % 60 == 0:
                    log.error("Outbox not readable (%s); retrying", type(exc).__name__)
            if looked_at >= self.batch:
                continue  # more is due: go on at once
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval * min(failures + 1, 12))
            except TimeoutError:
                pass
