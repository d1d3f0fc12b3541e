from __future__ import annotations

import json

import httpx
import pytest

from bot.rasa_client import BotMessage, Button, RasaClient, RasaUnavailable, parse_messages


def client_for(handler, **kwargs) -> RasaClient:
    return RasaClient("http://rasa.test", transport=httpx.MockTransport(handler), backoff=0, **kwargs)


async def test_send_posts_sender_and_message_and_parses_replies():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["body"] = json.loads(request.content)
        return httpx.Response(200, json=[
            {"recipient_id": "x", "text": "Hallo!"},
            {"recipient_id": "x", "text": "Kies:", "buttons": [{"title": "Ja", "payload": "/affirm"}]},
        ])

    async with client_for(handler) as client:
        replies = await client.send("terminal-abc", "hallo 👋")
    assert seen == {"path": "/webhooks/rest/webhook", "body": {"sender": "terminal-abc", "message": "hallo 👋"}}
    assert replies == [BotMessage("Hallo!"), BotMessage("Kies:", (Button("Ja", "/affirm"),))]


async def test_connection_errors_are_retried_then_reported():
    attempts = []

    def handler(request):
        attempts.append(1)
        if len(attempts) < 3:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=[{"text": "terug"}])

    async with client_for(handler, retries=3) as client:
        assert await client.send("s", "hoi") == [BotMessage("terug")]
    assert len(attempts) == 3

    def always_down(request):
        raise httpx.ConnectError("refused")

    async with client_for(always_down, retries=2) as client:
        with pytest.raises(RasaUnavailable):
            await client.send("s", "hoi")


async def test_timeout_is_not_retried():
    attempts = []

    def handler(request):
        attempts.append(1)
        raise httpx.ReadTimeout("slow")

    async with client_for(handler, retries=3) as client:
        with pytest.raises(RasaUnavailable, match="in time"):
            await client.send("s", "hoi")
    assert len(attempts) == 1


@pytest.mark.parametrize("response", [
    httpx.Response(500, text="boom"),
    httpx.Response(200, text="<html>not json"),
])
async def test_bad_answers_raise_unavailable(response):
    async with client_for(lambda request: response, retries=0) as client:
        with pytest.raises(RasaUnavailable):
            await client.send("s", "hoi")


def test_parse_messages_skips_malformed_items():
    data = [None, "text", {"text": ""}, {"buttons": [{"payload": "/x"}, {"title": "Ok"}]}, {"image": "u"}]
    assert parse_messages(data) == [BotMessage("", (Button("Ok", "Ok"),)), BotMessage("", (), "u")]
    assert parse_messages({"not": "a list"}) == []


async def test_the_webhook_secret_goes_with_each_message_only():
    seen = []

    def handler(request):
        seen.append((request.url.path, request.headers.get("X-TNW-Webhook-Secret")))
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "ok"})
        return httpx.Response(200, json=[])

    async with RasaClient("http://rasa.test", transport=httpx.MockTransport(handler), secret="s" * 32,
                          actions_health_url="http://actions.test/health") as client:
        assert await client.send("s", "hoi") == []
    assert seen == [("/webhooks/rest/webhook", "s" * 32), ("/health", None)]


async def test_an_empty_reply_with_the_action_server_down_is_reported():
    from bot.rasa_client import ActionsUnavailable

    posts = []

    def handler(request):
        if request.url.path == "/health":
            raise httpx.ConnectError("refused")
        posts.append(1)
        return httpx.Response(200, json=[])

    async with RasaClient("http://rasa.test", transport=httpx.MockTransport(handler), backoff=0,
                          actions_health_url="http://actions.test/health") as client:
        with pytest.raises(ActionsUnavailable):
            await client.send("s", "hoi")
    assert len(posts) == 1  # not resent: Rasa has handled it


async def test_a_reply_with_text_does_not_ask_the_action_server():
    def handler(request):
        assert request.url.path != "/health"
        return httpx.Response(200, json=[{"text": "Hallo"}])

    async with RasaClient("http://rasa.test", transport=httpx.MockTransport(handler),
                          actions_health_url="http://actions.test/health") as client:
        assert await client.send("s", "hoi") == [BotMessage("Hallo")]
