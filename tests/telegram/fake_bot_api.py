"""A fake Telegram Bot API server (aiohttp, 127.0.0.1 only) for tests and the benchmark.

It answers the methods the front end uses with Telegram's real request and response shapes
(`{"ok": true, "result": ...}` / `{"ok": false, "error_code": ..., "description": ...}`),
records every call, lets a test inject user updates (text, commands, button presses,
stickers, photos, voice, documents, locations, edited messages) and faults (429 with
`retry_after`, 500, slow answers), and can POST updates to a webhook like Telegram does.

Use: `api = FakeBotApi(); await api.start(); base_url = api.base_url` (→ TELEGRAM_API_BASE_URL).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456:TEST-token_for-the-fake-bot-api"
BOT_USER = {
    "id": 123456, "is_bot": True, "first_name": "TNW test bot", "username": "tnw_test_bot",
    "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False,
}
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    ok: bool | None = None  # set once answered: False for injected faults and API errors


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    delay: float = 0.0


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    text: str | None
    reply_markup: dict | None
    from_bot: bool
    date: int


class FakeBotApi:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.commands: dict[str, list[dict]] = {}
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Condition()
        self._call_event = asyncio.Event()
        self._listeners: list[asyncio.Queue] = []
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.port: int | None = None
        self.delivered_update_ids: set[int] = set()

    # ------------------------------------------------------------ server lifecycle

    async def start(self, port: int = 0) -> FakeBotApi:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # ------------------------------------------------------------ faults

    def fail(self, method: str, status: int = 500, *, times: int = 1, retry_after: int | None = None,
             description: str | None = None, delay: float = 0.0) -> None:
        """The next `times` calls of `method` fail (429 carries `parameters.retry_after`)."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after or 1}",
                500: "Internal Server Error",
                502: "Bad Gateway",
                400: "Bad Request",
                403: "Forbidden: bot was blocked by the user",
            }.get(status, "Error")
        if status == 429 and retry_after is None:
            retry_after = 1
        self.faults[method].append(Fault(status, description, retry_after, times, delay))

    # ------------------------------------------------------------ request handling

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = value
                    else:  # an uploaded file
                        params[key] = {"filename": getattr(value, "filename", None)}
        # PTB sends non-string fields JSON-encoded inside the form.
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{" and key not in ("text",):
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        response = await self._answer(method, params)
        call.ok = response.status == 200
        self._call_event.set()
        for queue in self._listeners:
            queue.put_nowait(call)
        return response

    async def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        faults = self.faults.get(method)
        if faults:
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            return self._error(fault.status, fault.description, fault.retry_after)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except ApiError as exc:
            return self._error(exc.status, exc.description, exc.retry_after)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    # ------------------------------------------------------------ methods

    async def _m_getme(self, params):
        return BOT_USER

    async def _m_logout(self, params):
        return True

    async def _m_close(self, params):
        return True

    async def _m_deletewebhook(self, params):
        self.webhook = None
        return True

    async def _m_setwebhook(self, params):
        url = params.get("url")
        if not url:
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token"),
                        "allowed_updates": params.get("allowed_updates")}
        return True

    async def _m_getwebhookinfo(self, params):
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _m_setmycommands(self, params):
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        scope = params.get("scope") or {"type": "default"}
        key = json.dumps(scope, sort_keys=True)
        self.commands[key] = commands
        return True

    async def _m_deletemycommands(self, params):
        return True

    async def _m_getupdates(self, params):
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._new_update:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                try:
                    await asyncio.wait_for(self._new_update.wait_for(lambda: bool(self._updates)), timeout)
                except TimeoutError:
                    pass
            batch = self._updates[:limit]
        self.delivered_update_ids.update(u["update_id"] for u in batch)
        return batch

    def _chat_id(self, params) -> int:
        raw = params.get("chat_id")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _check_markup(self, markup) -> None:
        if markup is None:
            return
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")

    def _message_json(self, stored: StoredMessage, *, edited: bool = False) -> dict:
        message: dict[str, Any] = {
            "message_id": stored.message_id,
            "date": stored.date,
            "chat": {"id": stored.chat_id, "type": "private", "first_name": "Test"},
        }
        if stored.from_bot:
            message["from"] = BOT_USER
        if stored.text is not None:
            message["text"] = stored.text
        if stored.reply_markup:
            message["reply_markup"] = stored.reply_markup
        if edited:
            message["edit_date"] = int(time.time())
        return message

    async def _m_sendmessage(self, params):
        chat_id = self._chat_id(params)
        text = params.get("text")
        if not text or not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        self._check_markup(markup)
        stored = StoredMessage(chat_id, next(self._message_ids[chat_id]), text, markup, True, int(time.time()))
        self.messages[(chat_id, stored.message_id)] = stored
        return self._message_json(stored)

    async def _m_sendchataction(self, params):
        self._chat_id(params)
        if params.get("action") not in ("typing", "upload_photo", "record_voice", "upload_document",
                                        "choose_sticker", "find_location"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def _m_answercallbackquery(self, params):
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return True

    def _stored(self, params) -> StoredMessage:
        chat_id = self._chat_id(params)
        key = (chat_id, int(params.get("message_id") or 0))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    async def _m_editmessagetext(self, params):
        stored = self._stored(params)
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if text == stored.text and markup == stored.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content "
                                "and reply markup are exactly the same as a current content and reply "
                                "markup of the message")
        stored.text, stored.reply_markup = text, markup
        return self._message_json(stored, edited=True)

    async def _m_editmessagereplymarkup(self, params):
        stored = self._stored(params)
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if markup == stored.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        stored.reply_markup = markup
        return self._message_json(stored, edited=True)

    # ------------------------------------------------------------ injecting updates

    def _user(self, chat_id: int) -> dict:
        return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "nl"}

    def _user_message(self, chat_id: int, **content) -> dict:
        message_id = next(self._message_ids[chat_id])
        message = {
            "message_id": message_id,
            "from": self._user(chat_id),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat_id, message_id)] = StoredMessage(
            chat_id, message_id, content.get("text"), None, False, message["date"])
        return message

    async def push(self, update: dict) -> int:
        """Queue an update (with a fresh update_id) for getUpdates, or POST it to the webhook."""
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook is not None:
            await self._post_to_webhook(update)
            return update["update_id"]
        async with self._new_update:
            self._updates.append(update)
            self._new_update.notify_all()
        return update["update_id"]

    async def _post_to_webhook(self, update: dict, secret: str | None = None) -> int:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        headers = {}
        token = secret if secret is not None else self.webhook.get("secret_token")
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        async with self._http.post(self.webhook["url"], json=update, headers=headers) as response:
            return response.status

    async def post_webhook_with_secret(self, update: dict, secret: str) -> int:
        """POST an update with a chosen secret header (to test that a wrong one is refused)."""
        return await self._post_to_webhook({"update_id": next(self._update_ids), **update}, secret)

    async def send_text(self, chat_id: int, text: str) -> dict:
        entities = []
        if text.startswith("/"):
            command = text.split()[0]
            entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message = self._user_message(chat_id, text=text, **({"entities": entities} if entities else {}))
        await self.push({"message": message})
        return message

    async def press_button(self, chat_id: int, message_id: int, data: str) -> str:
        """Press a button of one of the bot's messages (the callback data need not be on it)."""
        stored = self.messages[(chat_id, message_id)]
        query_id = str(next(self._callback_ids))
        await self.push({"callback_query": {
            "id": query_id,
            "from": self._user(chat_id),
            "chat_instance": f"ci-{chat_id}",
            "data": data,
            "message": self._message_json(stored),
        }})
        return query_id

    async def send_sticker(self, chat_id: int) -> None:
        await self.push({"message": self._user_message(chat_id, sticker={
            "file_id": "CAACAgIAAxkBAAEBsticker", "file_unique_id": "AgADsticker", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"})})

    async def send_photo(self, chat_id: int, caption: str | None = None, media_group_id: str | None = None) -> None:
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        if media_group_id:
            extra["media_group_id"] = media_group_id
        await self.push({"message": self._user_message(chat_id, photo=[
            {"file_id": "AgACAgIAAxkBAAEBphoto", "file_unique_id": "AQADphoto", "width": 90, "height": 90,
             "file_size": 1234}], **extra)})

    async def send_content(self, chat_id: int, **content) -> dict:
        """A user message with any Bot API content fields (see NON_TEXT_CONTENT)."""
        message = self._user_message(chat_id, **content)
        await self.push({"message": message})
        return message

    async def send_voice(self, chat_id: int) -> None:
        await self.push({"message": self._user_message(chat_id, voice={
            "file_id": "AwACAgIAAxkBAAEBvoice", "file_unique_id": "AgADvoice", "duration": 3,
            "mime_type": "audio/ogg", "file_size": 4321})})

    async def send_document(self, chat_id: int) -> None:
        await self.push({"message": self._user_message(chat_id, document={
            "file_id": "BQACAgIAAxkBAAEBdoc", "file_unique_id": "AgADdoc", "file_name": "attest.pdf",
            "mime_type": "application/pdf", "file_size": 9999})})

    async def send_location(self, chat_id: int) -> None:
        await self.push({"message": self._user_message(chat_id, location={
            "latitude": 51.05, "longitude": 3.72})})

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        stored = self.messages[(chat_id, message_id)]
        stored.text = text
        await self.push({"edited_message": {
            "message_id": message_id, "from": self._user(chat_id),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "date": stored.date, "edit_date": int(time.time()), "text": text}})

    # ------------------------------------------------------------ inspecting calls

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def sent_texts(self, chat_id: int) -> list[str]:
        """Texts of the messages the bot sent to the chat (accepted calls only)."""
        return [c.params["text"] for c in self.calls_of("sendMessage", chat_id) if c.ok]

    def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        return [m for (cid, _), m in sorted(self.messages.items()) if cid == chat_id and m.from_bot]

    async def wait_for(self, predicate, timeout: float = 30.0, what: str = "condition"):
        """Wait until predicate() is truthy (checked after every call); returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            self._call_event.clear()
            try:
                await asyncio.wait_for(self._call_event.wait(), min(remaining, 0.5))
            except TimeoutError:
                pass

    async def wait_for_texts(self, chat_id: int, count: int, timeout: float = 30.0) -> list[str]:
        """Wait until the bot sent at least `count` messages to the chat; returns all texts."""
        await self.wait_for(lambda: len(self.sent_texts(chat_id)) >= count, timeout,
                            f"{count} messages to chat {chat_id}")
        return self.sent_texts(chat_id)

    def listen(self) -> asyncio.Queue:
        """A queue receiving every call from now on (the benchmark uses it)."""
        queue: asyncio.Queue = asyncio.Queue()
        self._listeners.append(queue)
        return queue


# One example of every kind of non-text message a person can send in a private chat, in the
# Bot API's shapes (for `send_content`).
_FILE = {"file_id": "BAACAgIAAxkBAAEBfile", "file_unique_id": "AgADfile"}
NON_TEXT_CONTENT: dict[str, dict[str, Any]] = {
    "sticker": {"sticker": {**_FILE, "type": "regular", "width": 512, "height": 512, "is_animated": False,
                            "is_video": False, "emoji": "👍"}},
    "photo": {"photo": [{**_FILE, "width": 90, "height": 90, "file_size": 1234}]},
    "photo with caption": {"photo": [{**_FILE, "width": 90, "height": 90}], "caption": "/inform{\"name\": \"x\"}"},
    "voice": {"voice": {**_FILE, "duration": 3, "mime_type": "audio/ogg"}},
    "video": {"video": {**_FILE, "width": 320, "height": 240, "duration": 5}},
    "video note": {"video_note": {**_FILE, "length": 240, "duration": 5}},
    "audio": {"audio": {**_FILE, "duration": 60, "title": "lied"}},
    "animation": {"animation": {**_FILE, "width": 320, "height": 240, "duration": 2},
                  "document": {**_FILE}},
    "document": {"document": {**_FILE, "file_name": "attest.pdf", "mime_type": "application/pdf"}},
    "location": {"location": {"latitude": 51.05, "longitude": 3.72}},
    "venue": {"location": {"latitude": 51.05, "longitude": 3.72},
              "venue": {"location": {"latitude": 51.05, "longitude": 3.72}, "title": "Ziekenfonds",
                        "address": "Kerkstraat 1, Gent"}},
    "contact": {"contact": {"phone_number": "+32470000000", "first_name": "Jan"}},
    "poll": {"poll": {"id": "1", "question": "Ja of nee?", "options": [
        {"persistent_id": "o1", "text": "Ja", "voter_count": 0},
        {"persistent_id": "o2", "text": "Nee", "voter_count": 0}], "total_voter_count": 0,
        "is_closed": False, "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
        "allows_revoting": False, "members_only": False}},
    "dice": {"dice": {"emoji": "🎲", "value": 4}},
}
