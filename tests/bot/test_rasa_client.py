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


def test_each_sender_has_one_server_first_and_the_same_stand_ins():
    from bot.rasa_client import server_order

    orders = {sender: server_order(sender, 3) for sender in (f"telegram-{n}" for n in range(300))}
    assert all(sorted(order) == [0, 1, 2] for order in orders.values())
    assert orders == {sender: server_order(sender, 3) for sender in orders}  # stable
    firsts = [order[0] for order in orders.values()]
    assert min(firsts.count(server) for server in range(3)) > 60  # spread over the servers
    assert server_order("x", 1) == [0]


async def test_a_message_fails_over_to_the_next_server_and_sticks_to_its_own_otherwise():
    from bot.rasa_client import server_order

    hosts = []

    def handler(request):
        hosts.append(request.url.host)
        if request.url.host == "rasa-a.test":
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=[{"text": f"van {request.url.host}"}])

    urls = ["http://rasa-a.test", "http://rasa-b.test"]
    sender = next(s for s in (f"s{n}" for n in range(50)) if server_order(s, 2)[0] == 0)
    async with RasaClient(urls, transport=httpx.MockTransport(handler), backoff=0) as client:
        assert await client.send(sender, "hoi") == [BotMessage("van rasa-b.test")]
        assert hosts == ["rasa-a.test", "rasa-b.test"]  # no wait: the stand-in answers at once
        other = next(s for s in (f"t{n}" for n in range(50)) if server_order(s, 2)[0] == 1)
        hosts.clear()
        assert await client.send(other, "hoi") == [BotMessage("van rasa-b.test")]
        assert hosts == ["rasa-b.test"]


async def test_the_wait_hook_runs_once_and_can_end_the_wait():
    attempts, waits = [], []

    def handler(request):
        attempts.append(1)
        if len(attempts) < 4:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=[{"text": "terug"}])

    async def on_wait():
        waits.append(1)

    async with client_for(handler) as client:
        assert await client.send("s", "hoi", on_wait=on_wait) == [BotMessage("terug")]
    assert len(attempts) == 4 and waits == [1]

    class Enough(Exception):
        pass

    async def give_up():
        raise Enough

    def always_down(request):
        raise httpx.ConnectError("refused")

    async with client_for(always_down) as client:
        with pytest.raises(Enough):
            await client.send("s", "hoi", on_wait=give_up)


async def test_patience_bounds_the_waiting():
    attempts = []

    def always_down(request):
        attempts.append(1)
        raise httpx.ConnectError("refused")

    # Waits of 0.05, 0.1, 0.2 s...: the next one would pass 0.3 s of patience, so it gives up.
    async with RasaClient("http://rasa.test", transport=httpx.MockTransport(always_down), backoff=0.05) as client:
        with pytest.raises(RasaUnavailable):
            await client.send("s", "hoi", patience=0.3)
    assert 2 <= len(attempts) <= 4
