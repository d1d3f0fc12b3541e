"""Helpers of the Telegram front-end tests: a scripted Rasa, fast options, a running front end.

Fixtures (the fake Bot API, settings, a scripted Rasa, a running front end) are in conftest.py.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

import httpx

from bot.rasa_client import RasaClient
from bot.telegram_app import FrontEndOptions, build_application, polling


class ScriptedRasa:
    """A stand-in for Rasa's REST webhook: `reply(sender, text)` → list of Rasa messages.

    `down` makes it refuse connections (like a stopped server); `delay` slows every answer.
    Records (sender, text) of every message that reached it.
    """

    def __init__(self, reply: Callable[[str, str], list[dict]] | None = None) -> None:
        self.reply = reply or (lambda sender, text: [{"recipient_id": sender, "text": f"Je zei: {text}"}])
        self.received: list[tuple[str, str]] = []
        self.down = False
        self.actions_down = False  # the action server's /health refuses connections
        self.delay = 0.0
        self.concurrent = 0
        self.max_concurrent = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/health":  # the action server's health check
            if self.actions_down:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(200, json={"status": "ok"})
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        body = json.loads(request.content)
        self.concurrent += 1
        self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            self.received.append((body["sender"], body["message"]))
            return httpx.Response(200, json=self.reply(body["sender"], body["message"]))
        finally:
            self.concurrent -= 1

    def client(self) -> RasaClient:
        return RasaClient("http://rasa.invalid", timeout=10, backoff=0.01,
                          transport=httpx.MockTransport(self.handle),
                          actions_health_url="http://actions.invalid/health")


def fast_options(**overrides) -> FrontEndOptions:
    values = dict(chat_queue=5, rasa_patience=3.0, max_rate=1000, outbox_interval=0.2, send_retries=2)
    values.update(overrides)
    return FrontEndOptions(**values)


@contextlib.asynccontextmanager
async def running_frontend(settings, rasa_client: RasaClient, *, options: FrontEndOptions | None = None,
                           retry_delay: float | None = None):
    """The real application, polling the fake Bot API in this event loop."""

    application = build_application(settings, rasa_client, options=options or fast_options())
    if retry_delay is not None:
        application.bot_data.front_end.retry_delay = retry_delay
    async with polling(application, poll_timeout=1):
        yield application
