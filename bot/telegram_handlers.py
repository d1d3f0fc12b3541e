"""What the Telegram front end does with each kind of update (participants' side).

Every handler that talks to Rasa first takes its turn in the chat's queue (`ChatGate`), so the
messages of one chat reach Rasa one at a time and in order while other chats go on.
Privacy: logs carry the pseudonymous sender id at most, never a chat id or a message text.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field

import httpx
from telegram import Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError

from bot.bot_data import Context
from bot.identity import sender_id
from bot.instructions import carry_out
from bot.rasa_client import ActionsUnavailable, BotMessage, RasaClient, RasaUnavailable
from bot.telegram_flow import ChatBusy, ChatGate
from bot.telegram_render import CallbackStore, button_title, chosen_text, render_message
from bot.texts import (
    ALREADY_CHOSEN,
    BUTTON_EXPIRED,
    EDITED,
    EMPTY_MESSAGE,
    HELP,
    NO_ANSWER,
    PLEASE_WAIT,
    PRIVACY,
    SLOW_DOWN,
    SOMETHING_WENT_WRONG,
    STOPPED,
    TEXT_ONLY,
    TOO_LONG,
    TOO_SLOW,
    UNAVAILABLE,
    UNKNOWN_COMMAND,
    WELCOME,
)
from bot.user_text import read_user_text
from safety.crisis import assess
from safety.replies import crisis_reply

log = logging.getLogger(__name__)


# What /stop sends to Rasa: the `stop` intent (cancels a form; see nlu/domain/booking.yml).
STOP_PAYLOAD = "/stop"
TYPING_EVERY = 4.5  # Telegram shows "typing…" for 5 seconds


@dataclass
class FrontEnd:
    """What the conversation handlers share (`context.bot_data.front_end`, bot/bot_data.py)."""

    rasa: RasaClient
    secret: str
    tracker_store_url: str
    gate: ChatGate = field(default_factory=ChatGate)
    callbacks: CallbackStore = field(default_factory=CallbackStore)
    rasa_patience: float = 45.0  # seconds to keep retrying while Rasa is down
    retry_delay: float = 2.0
    pressed: OrderedDict = field(default_factory=OrderedDict)
    albums: OrderedDict = field(default_factory=OrderedDict)  # (chat, media group) already answered

    def sender(self, chat_id: int) -> str:
        return sender_id("telegram", chat_id, self.secret)

    def was_pressed(self, chat_id: int, message_id: int) -> bool:
        return (chat_id, message_id) in self.pressed

    def mark_pressed(self, chat_id: int, message_id: int) -> None:
        """Remember a keyboard that was used (a double tap is then ignored)."""
        _remember(self.pressed, (chat_id, message_id))

    def first_of_album(self, chat_id: int, media_group_id: str) -> bool:
        """True for the first item of an album (ten photos sent together get one answer)."""
        key = (chat_id, media_group_id)
        if key in self.albums:
            return False
        _remember(self.albums, key)
        return True


def _remember(seen: OrderedDict, key, capacity: int = 20_000) -> None:
    seen[key] = True
    while len(seen) > capacity:
        seen.popitem(last=False)


def frontend(context: Context) -> FrontEnd:
    fe = context.bot_data.front_end
    assert fe is not None, "build_application sets up the front end"
    return fe


# ---------------------------------------------------------------- talking to Rasa


async def _keep_typing(bot, chat_id: int, done: asyncio.Event) -> None:
    """Show "typing…" until `done` is set (Telegram clears it after 5 s, so repeat)."""
    while True:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass  # only a hint; never worth failing over
        try:
            await asyncio.wait_for(done.wait(), TYPING_EVERY)
            return
        except TimeoutError:
            pass


class _CrisisAnswered(Exception):
    """The front end gave the crisis lines itself while Rasa was away; stop waiting for it."""


async def ask_rasa(fe: FrontEnd, bot, chat_id: int, text: str) -> list[BotMessage] | None:
    """Rasa's replies; None after an apology (or the crisis lines) was sent instead.

    The client waits for Rasa while it is unreachable (bot/rasa_client.py, `rasa_patience`);
    before its first wait the user hears "even geduld" once. A timeout is not retried: Rasa may
    still be handling the message, and sending it again would answer it twice.
    """
    sender = fe.sender(chat_id)

    async def before_waiting() -> None:
        crisis = assess(text)  # only when Rasa, which has its own crisis check, is away
        if crisis.is_crisis:
            # Crisis first: the lines to call do not wait for Rasa to come back.
            log.warning("Rasa unavailable for %s; crisis reply sent by the front end", sender)
            await bot.send_message(chat_id, crisis_reply(crisis))
            raise _CrisisAnswered
        await bot.send_message(chat_id, PLEASE_WAIT)

    try:
        return await fe.rasa.send(sender, text, on_wait=before_waiting, patience=fe.rasa_patience,
                                  backoff=fe.retry_delay)
    except _CrisisAnswered:
        return None
    except RasaUnavailable as exc:
        crisis = assess(text)
        if crisis.is_crisis:
            log.warning("Rasa unavailable for %s; crisis reply sent by the front end", sender)
            await bot.send_message(chat_id, crisis_reply(crisis))
        elif isinstance(exc, ActionsUnavailable):
            # Rasa has handled the message without its actions: sending it again would
            # answer it twice once they are back. The supervisor is restarting them.
            log.warning("Action server unavailable for %s", sender)
            await bot.send_message(chat_id, UNAVAILABLE)
        elif isinstance(exc.__cause__, httpx.TimeoutException):
            log.warning("Rasa timed out for %s", sender)
            await bot.send_message(chat_id, TOO_SLOW)
        else:
            log.error("Rasa unavailable for %s, giving up: %s", sender, exc)
            await bot.send_message(chat_id, UNAVAILABLE)
        return None


async def deliver(fe: FrontEnd, bot, chat_id: int, messages: list[BotMessage]) -> None:
    # Instructions first (an erasure): a failing send must not leave the conversation stored.
    for message in messages:
        if message.custom:
            await asyncio.to_thread(carry_out, message.custom, fe.sender(chat_id), fe.tracker_store_url)
    shown = False
    for message in messages:
        for text, markup in render_message(message, fe.callbacks):
            await bot.send_message(chat_id, text, reply_markup=markup)
            shown = True
    if not shown and not any(m.custom for m in messages):
        await bot.send_message(chat_id, NO_ANSWER)


async def converse(fe: FrontEnd, bot, chat_id: int, text: str) -> list[BotMessage] | None:
    """Send `text` to Rasa with "typing…" shown meanwhile, and the replies to the chat."""
    done = asyncio.Event()
    typing = asyncio.create_task(_keep_typing(bot, chat_id, done))
    try:
        messages = await ask_rasa(fe, bot, chat_id, text)
    finally:
        done.set()
        # Let a "typing…" still on its way arrive before the answer (it would linger otherwise).
        try:
            await asyncio.wait_for(typing, 1.0)
        except (TimeoutError, Exception):  # noqa: BLE001 - only a hint
            pass
    if messages is not None:
        await deliver(fe, bot, chat_id, messages)
    return messages


async def _busy(update: Update, busy: ChatBusy) -> None:
    """Over the per-chat cap: say so once per burst, drop the rest quietly."""
    log.info("Chat queue full, update dropped")
    if update.callback_query is not None:
        await update.callback_query.answer(SLOW_DOWN)
    elif busy.first and update.effective_message is not None:
        await update.effective_message.reply_text(SLOW_DOWN)


# ---------------------------------------------------------------- handlers


async def on_start(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(WELCOME)


async def on_help(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(HELP)


async def on_privacy(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(PRIVACY)


def text_problem_reply(problem: str, raw: str) -> str:
    """The kind answer to a message that is not sent to Rasa (crisis first, as always)."""
    if problem == "too_long":
        crisis = assess(raw)
        if crisis.is_crisis:
            return crisis_reply(crisis)
        return TOO_LONG
    return EMPTY_MESSAGE


async def on_text(update: Update, context: Context) -> None:
    """Typed text: always plain text for Rasa, never an intent (bot/user_text.py)."""
    fe = frontend(context)
    chat_id = update.effective_chat.id
    raw = update.effective_message.text or ""
    prepared = read_user_text(raw)
    try:
        async with fe.gate.turn(chat_id):
            if prepared.problem:
                await context.bot.send_message(chat_id, text_problem_reply(prepared.problem, raw))
            else:
                await converse(fe, context.bot, chat_id, prepared.text)
    except ChatBusy as busy:
        await _busy(update, busy)


async def on_stop(update: Update, context: Context) -> None:
    """Cancel whatever Rasa is doing (a form, a question) and confirm."""
    fe = frontend(context)
    chat_id = update.effective_chat.id
    try:
        async with fe.gate.turn(chat_id):
            messages = await ask_rasa(fe, context.bot, chat_id, STOP_PAYLOAD)
            if messages is None:
                return
            if any(m.text or m.buttons for m in messages):
                await deliver(fe, context.bot, chat_id, messages)
            else:
                await context.bot.send_message(chat_id, STOPPED)
    except ChatBusy as busy:
        await _busy(update, busy)


async def _answer_query(query, text: str | None = None) -> None:
    try:
        await query.answer(text)
    except TelegramError:
        pass  # too old to answer, or Telegram unreachable: the press itself still counts


async def on_button(update: Update, context: Context) -> None:
    """A keyboard press: answer it at once, mark the choice, send the payload to Rasa.

    Only the callback data of a button on that very message counts (Telegram sends the
    message with its keyboard as it is now); anything else is forged or stale.
    """
    fe = frontend(context)
    query = update.callback_query
    chat = update.effective_chat
    message = query.message
    user = query.from_user
    if (chat is None or message is None or chat.type != ChatType.PRIVATE
            or user is None or user.id != chat.id):
        await _answer_query(query, BUTTON_EXPIRED)
        return
    if fe.was_pressed(chat.id, message.message_id):
        await _answer_query(query, ALREADY_CHOSEN)
        return
    payload = fe.callbacks.resolve(query.data, getattr(message, "reply_markup", None))
    if payload is None:
        await _answer_query(query, BUTTON_EXPIRED)
        if button_title(getattr(message, "reply_markup", None), query.data or ""):
            # Our own button, with a long payload from before a restart: take the keyboard away.
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except BadRequest:
                pass
        else:
            log.info("Refused a button press for %s: not a button of that message", fe.sender(chat.id))
        return
    fe.mark_pressed(chat.id, message.message_id)
    try:
        # The press is answered as soon as it has its place in the chat's line, so Telegram
        # stops the spinner even when Rasa is slow; the place keeps the chat's order.
        async with fe.gate.turn(chat.id, before_waiting=lambda: _answer_query(query)):
            await _mark_choice(query, message)
            await converse(fe, context.bot, chat.id, payload)
    except ChatBusy as busy:
        fe.pressed.pop((chat.id, message.message_id), None)  # not handled: may be pressed again
        await _busy(update, busy)


async def _mark_choice(query, message) -> None:
    """Replace the keyboard by "✓ <choice>" (or just remove it when the text would be too long)."""
    title = button_title(getattr(message, "reply_markup", None), query.data or "")
    original = getattr(message, "text", None)
    try:
        marked = chosen_text(original, title) if (original and title) else None
        if marked:
            await query.edit_message_text(marked)
        else:
            await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass  # already edited, or too old to edit: the choice still goes on


async def on_non_text(update: Update, context: Context) -> None:
    """Photos, stickers, voice, video, files, locations, contacts, polls, dice: each gets the
    kind answer, in any state of the conversation; only an album (items sent together, one
    media_group_id) gets one answer for all its items."""
    fe = frontend(context)
    chat_id = update.effective_chat.id
    message = update.effective_message
    album = getattr(message, "media_group_id", None)
    if album and not fe.first_of_album(chat_id, str(album)):
        return
    await context.bot.send_message(chat_id, TEXT_ONLY)


async def on_edited(update: Update, context: Context) -> None:
    await context.bot.send_message(update.effective_chat.id, EDITED)


async def on_unknown_command(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(UNKNOWN_COMMAND)


async def on_error(update: object, context: Context) -> None:
    """Log (pseudonymously) and tell the person something went wrong, instead of silence."""
    error = context.error
    fe = context.bot_data.front_end
    chat = update.effective_chat if isinstance(update, Update) else None
    who = fe.sender(chat.id) if (fe and chat) else "-"
    log.error("Handling an update for %s failed: %s", who, type(error).__name__, exc_info=error)
    if chat is not None and chat.type == ChatType.PRIVATE:
        try:
            await context.bot.send_message(chat.id, SOMETHING_WENT_WRONG)
        except TelegramError:
            pass
