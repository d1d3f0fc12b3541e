"""Whether the servers may listen where the settings say: loopback, or operator-set secrets."""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from settings.core import Settings

# The secrets that guard the servers, by the variable that sets each.
SERVER_SECRETS = ("RASA_AUTH_TOKEN", "TNW_WEBHOOK_SECRET", "TNW_ACTION_TOKEN")
MIN_SECRET_LENGTH = 16


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_problem(settings: Settings, environ: Mapping[str, str] | None = None) -> str | None:
    """Why the servers must not start on this interface, or None.

    On loopback the generated secrets suffice. On any other interface the operator must set
    every server secret (so that they are chosen, shared and rotated on purpose), each of at
    least 16 characters.
    """
    if is_loopback(settings.rasa_host):
        return None
    environ = os.environ if environ is None else environ
    missing = [name for name in SERVER_SECRETS if len(environ.get(name, "").strip()) < MIN_SECRET_LENGTH]
    if not missing:
        return None
    return (
        f"TNW_HOST={settings.rasa_host} is not a loopback address, so the servers would be reachable "
        f"from the network. Set {', '.join(missing)} (at least {MIN_SECRET_LENGTH} random characters "
        "each, see .env.example) or use TNW_HOST=127.0.0.1."
    )
