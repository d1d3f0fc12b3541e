"""Turning Rasa's replies into Telegram messages: splitting, inline keyboards, callback data.

Messages are sent without a parse mode: Rasa's texts (and coordinator notifications, which
contain what participants typed) are plain text, so nothing has to be escaped and nothing a
user typed can turn into markup.
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rasa_client import BotMessage, Button
from bot.texts import BUTTONS_ONLY_TEXT

# Telegram's limits, in UTF-16 code units (how Telegram counts message length).
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA = 64  # bytes
CHOSEN_MARK = "✓"


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts as two)."""
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> tuple[str, str]:
    """The longest prefix of `text` within `limit` code units, preferring a space to cut at."""
    # Start from a character count that surely fits, then grow while it still fits.
    end = min(len(text), limit // 2)
    while end < len(text) and tg_len(text[: end + 1]) <= limit:
        end += 1
    space = text.rfind(" ", 0, end)
    if end < len(text) and space > end // 2:
        end = space + 1
    return text[:end].rstrip(), text[end:].lstrip()


# Where a too-long paragraph may be cut, in order of preference: (regex, text to rejoin with).
_SEPARATORS = ((r"\n", "\n"), (r"(?<=[.!?])\s+", " "), (r" ", " "))


def _split_block(block: str, limit: int, separators: Sequence[tuple[str, str]]) -> list[str]:
    """Split one block that is too long, trying the separators in order (lines, sentences)."""
    if tg_len(block) <= limit:
        return [block]
    if not separators:
        parts = []
        rest = block
        while tg_len(rest) > limit:
            head, rest = _hard_cut(rest, limit)
            parts.append(head)
        if rest:
            parts.append(rest)
        return parts
    (pattern, joiner), *others = separators
    pieces = re.split(pattern, block)
    if len(pieces) == 1:
        return _split_block(block, limit, others)
    return _pack(pieces, joiner, limit, others)


def _pack(pieces: Iterable[str], separator: str, limit: int, others: Sequence[tuple[str, str]]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        for part in _split_block(piece, limit, others):
            candidate = f"{current}{separator}{part}" if current else part
            if tg_len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    chunks.append(current)
                current = part
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split a reply into Telegram messages of at most `limit`, at paragraph boundaries.

    Paragraphs (blank-line separated) are kept together and packed into as few messages as
    fit; a paragraph longer than the limit is split at line ends, then sentence ends, then
    spaces, and only as a last resort inside a word. No text is lost, empty chunks are dropped.
    """
    text = text.strip()
    if not text:
        return []
    chunks = _pack(re.split(r"\n\s*\n", text), "\n\n", limit, _SEPARATORS)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


class CallbackStore:
    """Maps button payloads to callback data of at most 64 bytes, and presses back to payloads.

    Short payloads are used as they are, so their buttons keep working after a restart.
    Longer ones (or ones that look like our own keys) get a short key derived from the payload
    and are remembered in a bounded map; a key the map no longer knows resolves to None.
    """

    PREFIX = "~k:"

    def __init__(self, capacity: int = 20_000) -> None:
        self._payloads: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def data_for(self, payload: str) -> str:
        if len(payload.encode()) <= MAX_CALLBACK_DATA and not payload.startswith(self.PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode()).digest()
        key = self.PREFIX + base64.urlsafe_b64encode(digest[:15]).decode()
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._capacity:
            self._payloads.popitem(last=False)
        return key

    def payload_for(self, data: str) -> str | None:
        if not data.startswith(self.PREFIX):
            return data
        return self._payloads.get(data)

    def resolve(self, data: str | None, markup: InlineKeyboardMarkup | None) -> str | None:
        """The payload of a press, only when `data` is a button of the pressed message.

        `markup` is the keyboard of that message as Telegram reports it with the press, so
        callback data a client made up (a slot id never offered, an intent with entities)
        resolves to None, as does a long payload this process no longer knows.
        """
        if not data or button_title(markup, data) is None:
            return None
        return self.payload_for(data)


def build_keyboard(buttons: Sequence[Button], store: CallbackStore) -> InlineKeyboardMarkup | None:
    """One button per row: Rasa's titles are often whole sentences."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title[:200], callback_data=store.data_for(b.payload))] for b in buttons]
    )


def render_message(message: BotMessage, store: CallbackStore) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The Telegram messages for one Rasa message; the keyboard goes with the last chunk."""
    text = message.text.strip()
    if message.image:
        text = f"{text}\n\n{message.image}" if text else message.image
    chunks = split_text(text)
    markup = build_keyboard(message.buttons, store)
    if markup is not None and not chunks:
        chunks = [BUTTONS_ONLY_TEXT]
    return [(chunk, markup if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]


def chosen_text(original: str, title: str) -> str | None:
    """The pressed message's text with the choice marked, or None when it would be too long."""
    text = f"{original}\n\n{CHOSEN_MARK} {title}"
    return text if tg_len(text) <= MAX_MESSAGE_LENGTH else None


def button_title(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The title of the button with this callback data in a message's keyboard."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
