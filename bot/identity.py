"""Stable, pseudonymous sender ids: Rasa never sees a Telegram chat id or a user name."""
from __future__ import annotations

import hashlib
import hmac


def sender_id(channel: str, user_key: str | int, secret: str) -> str:
    """Same user and secret → same id; without the secret the id cannot be traced back."""
    digest = hmac.new(secret.encode(), f"{channel}:{user_key}".encode(), hashlib.sha256)
    return f"{channel}-{digest.hexdigest()[:24]}"
