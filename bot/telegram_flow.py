"""Flow control for the Telegram front end.

- `ChatGate`: updates are handled concurrently, but the messages of one chat one at a time and
  in order (a per-chat FIFO line), with a cap on how many may wait per chat, so one person's
  flood cannot starve the others.
- `RetryingRateLimiter`: PTB's AIORateLimiter (Telegram's flood limits, 429 `retry_after`)
  plus retries with backoff for 5xx answers, network errors and timeouts on every Bot API call
  except getUpdates (which the updater retries itself).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import warnings
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)


class ChatBusy(Exception):
    """Too many messages of one chat are already waiting; `first` is True once per burst."""

    def __init__(self, first: bool) -> None:
        super().__init__("chat queue full")
        self.first = first


@dataclass
class _ChatState:
    # Turns of this chat in arrival order; the first one holds the chat (its future is done).
    turns: deque = field(default_factory=deque)
    warned: bool = False


class ChatGate:
    """Per-chat serialisation with a bounded number of waiting updates.

    Use `async with gate.turn(chat_id):` as the handler's first await: PTB starts handler
    tasks in update order and a turn takes its place in the chat's line before the first await,
    so one chat's updates are handled in the order they arrived. `before_waiting` runs after
    the place is taken and before waiting for it (a button press is answered there at once,
    without losing its place to a message that came later).
    """

    def __init__(self, max_queued: int = 5) -> None:
        self.max_queued = max_queued
        self._chats: dict[int, _ChatState] = {}

    def queued(self, chat_id: int) -> int:
        state = self._chats.get(chat_id)
        return len(state.turns) if state else 0

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, *,
                   before_waiting: Callable[[], Awaitable[Any]] | None = None) -> AsyncIterator[None]:
        state = self._chats.setdefault(chat_id, _ChatState())
        if len(state.turns) >= self.max_queued:
            first = not state.warned
            state.warned = True
            raise ChatBusy(first)
        mine = asyncio.get_running_loop().create_future()
        state.turns.append(mine)
        if len(state.turns) == 1:
            mine.set_result(None)
        try:
            if before_waiting is not None:
                await before_waiting()
            await mine
            yield
        finally:
            holder = state.turns[0] is mine
            state.turns.remove(mine)
            if holder and state.turns and not state.turns[0].done():
                state.turns[0].set_result(None)
            if not state.turns:
                # Idle chats are forgotten, so the map does not grow with every chat ever seen.
                self._chats.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._chats)


# Calls that are not messages: they skip the overall flood limiter (30/s) but are retried.
UNLIMITED_ENDPOINTS = frozenset({"sendChatAction", "answerCallbackQuery", "getMe", "setMyCommands",
                                 "deleteWebhook", "setWebhook", "getWebhookInfo", "deleteMyCommands"})


def retry_after_seconds(exc: RetryAfter) -> float:
    """Seconds to wait. PTB 22's public `retry_after` is an int, or a timedelta once PTB_TIMEDELTA
    is set (and warns that it will change); both are read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value or 1)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries transient failures (5xx, network errors, timeouts).

    A retry after a timeout may deliver a message twice; we prefer that to losing it.
    Bad requests (400) and forbidden chats (403) are not retried: sending again cannot help.
    """

    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        max_retries: int = 3,
        transient_retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self._flood_retries = max_retries  # our own copy: AIORateLimiter keeps its own privately
        self._transient_retries = transient_retries
        self._backoff = backoff
        self._max_backoff = max_backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args) -> Any:
        for attempt in range(self._transient_retries + 1):
            try:
                if endpoint in UNLIMITED_ENDPOINTS:
                    return await self._unlimited(callback, args, kwargs, rate_limit_args)
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:  # includes TimedOut and HTTP 5xx
                if attempt == self._transient_retries:
                    raise
                delay = min(self._backoff * 2**attempt, self._max_backoff) * (0.75 + random.random() / 2)
                log.warning("Bot API %s failed (%s), retry %d in %.1f s",
                            endpoint, type(exc).__name__, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _unlimited(self, callback, args, kwargs, rate_limit_args) -> Any:
        retries = rate_limit_args or self._flood_retries
        for attempt in range(retries + 1):
            try:
                # While Telegram asks every call to wait (429), these wait too. AIORateLimiter has no
                # public way to ask whether such a pause is on, so its own event is read here.
                await self._retry_after_event.wait()
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                await asyncio.sleep(retry_after_seconds(exc) + 0.1)
        raise AssertionError("unreachable")
