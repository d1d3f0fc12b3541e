"""rasa_sdk's action server behind a shared secret: `python -m rasa_addons.action_server ...`.

Runs in the app environment (.venv/app; it needs only rasa_sdk and sanic). Takes rasa_sdk's own
command line (`--actions actions --port 5055`) and refuses every request without the
`X-TNW-Action-Token` header holding `TNW_ACTION_TOKEN`, except the health check. Rasa sends
the header (endpoints.yml). rasa_sdk 3.6 has no authentication of its own: without this, any
local process could run any action (show, book or delete an intake) for any sender id.
Without a configured token it refuses everything (fails closed).

This is the action server's start-up: it reads the settings once and hands them to the actions
(`actions.configure`), which never read the environment per request.
"""
from __future__ import annotations

import logging
import os

from sanic import response

from rasa_addons.shared_secret import ACTION_HEADER, ACTION_TOKEN_ENV, MIN_SECRET_LENGTH, matches

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})  # says "ok" and nothing else; used to tell it is ready
# What the person reads when an action fails (Dutch, like every user-facing text).
ACTION_FAILED = (
    "Sorry, er ging bij mij iets mis. Er is niets kwijt. Probeer het gerust nog eens, "
    "of bel je ziekenfonds en vraag naar de terug-naar-werk-coördinator."
)


def answer_failures_kindly(executor_class) -> None:
    """Make `ActionExecutor.run` answer an action's exception with a kind message.

    Without this, rasa_sdk's error handler answers 500 and logs the whole request, tracker and
    user texts included, and the person gets no reply. Now only the action's name and the
    exception's type are logged. Rasa's own signals (a rejected form validation, an unknown
    action) still go through unchanged.
    """
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    original = executor_class.run
    if getattr(original, "_answers_failures", False):
        return

    async def run(self, action_call):
        try:
            return await original(self, action_call)
        except (ActionExecutionRejection, ActionNotFoundException):
            raise
        except Exception as exc:  # noqa: BLE001 - every failure gets an answer
            name = action_call.get("next_action") if isinstance(action_call, dict) else None
            log.error("Action %s failed: %s", name, type(exc).__name__)
            return {"events": [], "responses": [{"text": ACTION_FAILED}]}

    run._answers_failures = True
    executor_class.run = run


def protect(app, token: str | None) -> None:
    """Add the request middleware that checks the header to a Sanic app."""
    if not token or len(token) < MIN_SECRET_LENGTH:
        log.error("No action server token configured (%s): every request is refused", ACTION_TOKEN_ENV)

    @app.middleware("request")
    async def require_token(request):
        if request.path in OPEN_PATHS or matches(token, request.headers.get(ACTION_HEADER)):
            return None
        log.warning("Refused a request to %s without the action server token", request.path)
        return response.json({"error": "unauthorised"}, status=401)


def main() -> None:
    from rasa_sdk import __main__ as sdk_main
    from rasa_sdk import endpoint
    from rasa_sdk.executor import ActionExecutor

    from actions import configure
    from settings import SettingsError, load_settings

    try:
        configure(load_settings())
    except SettingsError as exc:
        log.error("Bad settings, the action server does not start:\n%s", exc)
        raise SystemExit(1) from None
    answer_failures_kindly(ActionExecutor)

    token = os.environ.pop(ACTION_TOKEN_ENV, None)  # not inherited by anything the actions start
    create_app = endpoint.create_app

    def create_protected_app(*args, **kwargs):
        app = create_app(*args, **kwargs)
        protect(app, token)
        return app

    endpoint.create_app = create_protected_app  # `endpoint.run` looks it up at call time
    sdk_main.main()


if __name__ == "__main__":
    main()
