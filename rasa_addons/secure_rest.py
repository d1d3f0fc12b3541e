"""Rasa's REST channel behind a shared secret (registered in credentials.yml).

Same URL (`POST /webhooks/rest/webhook`) and the same request and reply as Rasa's own `rest`
channel, but a message is only accepted with the `X-TNW-Webhook-Secret` header holding the
secret (`TNW_WEBHOOK_SECRET` in the server's environment, or `secret` in credentials.yml).
Without a configured secret every message is refused: the channel fails closed. Otherwise any
local process could talk to the assistant as any sender id.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from rasa_addons.shared_secret import MIN_SECRET_LENGTH, WEBHOOK_HEADER, WEBHOOK_SECRET_ENV, matches

log = logging.getLogger(__name__)


class SecureRestInput(RestInput):
    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        self._secret = secret
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            log.error("No webhook secret configured (%s): every REST message is refused", WEBHOOK_SECRET_ENV)

    @classmethod
    def name(cls) -> str:
        return "rest"  # keeps the URL /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SecureRestInput:
        secret = (credentials or {}).get("secret") or os.environ.get(WEBHOOK_SECRET_ENV)
        return cls(str(secret) if secret else None)

    def authorised(self, request: Request) -> bool:
        return matches(self._secret, request.headers.get(WEBHOOK_HEADER))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def require_secret(request: Request):
            if request.method != "GET" and not self.authorised(request):
                log.warning("Refused a REST message without the webhook secret")
                return response.json({"error": "unauthorised"}, status=401)
            return None

        return blueprint
