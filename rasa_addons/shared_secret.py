"""The shared secrets between our processes: header names, variable names, the check.

Pure standard library: imported by the Rasa server (.venv/engine), the action server and the
front ends (.venv/app).

- The front ends send `WEBHOOK_HEADER` to Rasa's REST webhook (rasa_addons/secure_rest.py).
- Rasa sends `ACTION_HEADER` to the action server (endpoints.yml `action_endpoint.headers`),
  which refuses requests without it (rasa_addons/action_server.py).

The values reach the servers through the environment only (never the command line, which
`ps` shows to every user); `tnw` generates them under $TNW_DATA_DIR/secrets (0600).
"""
from __future__ import annotations

import hmac

WEBHOOK_HEADER = "X-TNW-Webhook-Secret"
ACTION_HEADER = "X-TNW-Action-Token"

# Environment variables the servers read their secrets from.
WEBHOOK_SECRET_ENV = "TNW_WEBHOOK_SECRET"
ACTION_TOKEN_ENV = "TNW_ACTION_TOKEN"
RASA_AUTH_TOKEN_ENV = "TNW_RASA_AUTH_TOKEN"  # read by rasa_addons/serve.py, not by Rasa

MIN_SECRET_LENGTH = 16


def matches(expected: str | None, given: str | None) -> bool:
    """True only for a configured secret and the same value given (constant-time compare)."""
    if not expected or len(expected) < MIN_SECRET_LENGTH or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def with_auth_token(argv: list[str], environ) -> list[str]:
    """`argv` plus `--auth-token=<token>` from the environment (popped: children do not inherit it)."""
    token = environ.pop(RASA_AUTH_TOKEN_ENV, None)
    if not token:
        return argv
    # One argument with "=": a generated token may start with "-", which argparse would
    # otherwise take for an option.
    return [*argv, f"--auth-token={token}"]
