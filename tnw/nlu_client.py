"""Intent predictions from the trained Rasa model, for evaluation.

Uses a running Rasa server when one answers; otherwise starts one on a free port for the
duration of the block (NLU only: no action server needed for /model/parse).
"""
from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator

import httpx

from settings import Settings
from tnw import engine
from tnw.processes import ProcessGroup, free_port

Parser = Callable[[str], str]


def _server_ready(settings: Settings) -> bool:
    try:
        response = httpx.get(
            f"{settings.rasa_url}/status", params={"token": settings.rasa_auth_token}, timeout=2.0
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def http_parser(settings: Settings) -> tuple[Parser, httpx.Client]:
    client = httpx.Client(base_url=settings.rasa_url, timeout=30.0)

    def parse(text: str) -> str:
        response = client.post(
            "/model/parse", params={"token": settings.rasa_auth_token}, json={"text": text}
        )
        response.raise_for_status()
        return (response.json().get("intent") or {}).get("name") or ""

    return parse, client


@contextlib.contextmanager
def open_nlu_parser(settings: Settings) -> Iterator[Parser | None]:
    """Yield a function text -> predicted intent name, or None when no trained model exists."""
    if _server_ready(settings) and engine.model_path(settings).exists():
        parse, client = http_parser(settings)
        with client:
            yield parse
        return
    model = engine.model_path(settings)
    if not engine.is_valid_model(model):
        yield None
        return
    from tnw.stack import rasa_server

    private = dataclasses.replace(settings, rasa_port=free_port(settings.rasa_host))
    with ProcessGroup([rasa_server(private, model)], startup_timeout=settings.startup_timeout):
        parse, client = http_parser(private)
        with client:
            yield parse
