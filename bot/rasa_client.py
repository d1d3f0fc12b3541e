"""Client for the Rasa server's REST channel, shared by every front end."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import httpx

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


class RasaClient:
    """Sends one user message and returns the assistant's replies.

    Connection failures are retried (the message never arrived, so resending is safe);
    a timeout is not, since Rasa may already be handling the message.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        secret: str | None = None,
        actions_health_url: str | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout, connect=5.0), transport=transport
        )
        # Sent with each message only (not to the action server's health check).
        self._headers = {WEBHOOK_HEADER: secret} if secret else {}
        self._retries = retries
        self._backoff = backoff
        self._actions_health_url = actions_health_url

    async def send(self, sender_id: str, text: str) -> list[BotMessage]:
        messages = await self._send(sender_id, text)
        if not messages and self._actions_health_url and not await self.actions_up():
            raise ActionsUnavailable("the action server is not answering")
        return messages

    async def actions_up(self) -> bool:
        """Whether the action server answers its health check (asked only after an empty reply)."""
        try:
            response = await self._client.get(self._actions_health_url, timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def _send(self, sender_id: str, text: str) -> list[BotMessage]:
        body = {"sender": sender_id, "message": text}
        for attempt in range(self._retries + 1):
            try:
                response = await self._client.post(WEBHOOK_PATH, json=body, headers=self._headers)
            except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
                failure: Exception = exc
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
            if attempt < self._retries:
                delay = self._backoff * 2**attempt
                log.warning("Rasa not reachable (%s), retrying in %.1f s", type(failure).__name__, delay)
                await asyncio.sleep(delay)
        raise RasaUnavailable("Rasa is not reachable") from failure

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()


def client_for(settings, **kwargs) -> RasaClient:
    """The client for the configured Rasa server, with the webhook secret (tnw.config.Settings)."""
    options = {
        "timeout": settings.rasa_timeout,
        "secret": settings.webhook_secret,
        "actions_health_url": f"http://{settings.rasa_host}:{settings.action_port}/health",
        **kwargs,
    }
    return RasaClient(settings.rasa_url, **options)
