"""Client for the Rasa server's REST channel, shared by every front end."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
)

from rasa_addons.shared_secret import WEBHOOK_HEADER

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or did not answer in time; the user gets an apology."""


class ActionsUnavailable(RasaUnavailable):
    """Rasa answered nothing because the action server is down (it is being restarted).

    Not worth resending: Rasa has already handled the message without its actions.
    """


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str = ""
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    image: str | None = None
    # Rasa's json_message: instructions for the front end, never shown as text.
    custom: dict | None = None


def parse_messages(data: object) -> list[BotMessage]:
    """Turn Rasa's JSON reply into messages, skipping anything malformed."""
    if not isinstance(data, list):
        return []
    messages = []
    for item in data:
        if not isinstance(item, dict):
            continue
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", b.get("title", ""))))
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("title")
        )
        text = item.get("text") or ""
        image = item.get("image")
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        if text or buttons or image or custom:
            messages.append(
                BotMessage(str(text), buttons, image if isinstance(image, str) else None, custom)
            )
    return messages


class _Unreachable(Exception):
    """No Rasa server took the message (refused, dropped or 502-504): resending is safe."""


def server_order(sender_id: str, count: int) -> list[int]:
    """The Rasa servers for one sender, its own first: a stable hash of the sender id.

    One server per conversation: the SQL tracker store assumes a single writer, and Rasa's Redis
    lock does not stop two servers racing for one conversation (RasaHQ/rasa#11256). The others
    follow in a fixed order, so a sender whose server is down lands on the same stand-in each time.
    """
    first = int.from_bytes(hashlib.sha256(sender_id.encode()).digest()[:8], "big") % count
    return [(first + step) % count for step in range(count)]


class RasaClient:
    """Sends one user message to the sender's Rasa server and returns the assistant's replies.

    One retry layer (tenacity): when no server takes the message, it is sent again with backoff
    until `patience` seconds have passed (or after `retries` resends, when given). Each attempt
    fails over to the next server. A timeout is not retried: Rasa may already be handling the
    message, and sending it again would answer it twice.
    """

    def __init__(
        self,
        base_urls: str | Sequence[str],
        *,
        timeout: float = 30.0,
        patience: float = 45.0,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        retries: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        secret: str | None = None,
        actions_health_url: str | None = None,
    ) -> None:
        self.base_urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not self.base_urls:
            raise ValueError("at least one Rasa server URL is needed")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0), transport=transport)
        # Sent with each message only (not to the action server's health check).
        self._headers = {WEBHOOK_HEADER: secret} if secret else {}
        self._patience = patience
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._retries = retries
        self._actions_health_url = actions_health_url

    async def send(
        self,
        sender_id: str,
        text: str,
        *,
        on_wait: Callable[[], Awaitable[None]] | None = None,
        patience: float | None = None,
        backoff: float | None = None,
    ) -> list[BotMessage]:
        """The replies to `text`. `on_wait` runs once, before the first wait for a server to return;
        an exception it raises ends the waiting (and reaches the caller)."""
        messages = await self._send_with_retries(sender_id, text, on_wait, patience, backoff)
        if not messages and self._actions_health_url and not await self.actions_up():
            raise ActionsUnavailable("the action server is not answering")
        return messages

    async def actions_up(self) -> bool:
        """Whether the action server answers its health check (asked only after an empty reply)."""
        assert self._actions_health_url is not None
        try:
            response = await self._client.get(self._actions_health_url, timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def _send_with_retries(self, sender_id, text, on_wait, patience, backoff) -> list[BotMessage]:
        stop = stop_before_delay(self._patience if patience is None else patience)
        if self._retries is not None:
            stop = stop | stop_after_attempt(self._retries + 1)
        waited = False

        async def before_sleep(state: RetryCallState) -> None:
            nonlocal waited
            log.warning("No Rasa server took the message (%s), retrying in %.1f s",
                        type(state.outcome.exception()).__name__ if state.outcome else "?",
                        state.upcoming_sleep)
            if on_wait is not None and not waited:
                waited = True
                await on_wait()

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Unreachable),
            stop=stop,
            wait=wait_exponential(multiplier=self._backoff if backoff is None else backoff, max=self._max_backoff),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return await retrying(self._send_once, sender_id, text)
        except _Unreachable as exc:
            raise RasaUnavailable("Rasa is not reachable") from exc

    async def _send_once(self, sender_id: str, text: str) -> list[BotMessage]:
        body = {"sender": sender_id, "message": text}
        failure: Exception | None = None
        for index in server_order(sender_id, len(self.base_urls)):
            url = self.base_urls[index] + WEBHOOK_PATH
            try:
                response = await self._client.post(url, json=body, headers=self._headers)
            except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
                failure = exc
            except httpx.TimeoutException as exc:
                raise RasaUnavailable("Rasa did not answer in time") from exc
            else:
                if response.status_code in (502, 503, 504):
                    failure = RuntimeError(f"HTTP {response.status_code}")
                elif response.status_code >= 400:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
                else:
                    try:
                        return parse_messages(response.json())
                    except ValueError as exc:
                        raise RasaUnavailable("Rasa sent a reply that is not JSON") from exc
            if len(self.base_urls) > 1:
                log.warning("Rasa server %d did not take the message (%s)", index + 1, type(failure).__name__)
        raise _Unreachable(str(failure)) from failure

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()


def client_for(settings, **kwargs) -> RasaClient:
    """The client for the configured Rasa servers, with the webhook secret (the settings)."""
    options = {
        "timeout": settings.rasa_timeout,
        "secret": settings.webhook_secret,
        "actions_health_url": f"http://{settings.rasa_host}:{settings.action_port}/health",
        **kwargs,
    }
    return RasaClient(settings.rasa_urls, **options)
