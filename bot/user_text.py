"""What a typed message becomes before it goes to Rasa (pure, shared by every front end).

Rasa reads a message that starts with "/" as an intent with entities (`/inform{"name": ...}`),
and it strips Unicode whitespace (a non-breaking space too) before it looks. So a person could
set any slot or start any action by typing. Button payloads legitimately start with "/", but
they never come from typed text: Telegram sends them as callback data, the terminal picks them
by number. Typed text is therefore normalised (NFKC, so a full-width "／" is a "/"), cleaned of
invisible characters (zero-width, bidi controls, control characters) and stripped of leading
slashes, so it always reaches Rasa as plain text.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_USER_TEXT = 5000  # characters; Telegram itself allows 4096

# Letters that render as nothing (category Lo/So, so not caught by the category test below).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Line and paragraph separators read as line breaks.
_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}


@dataclass(frozen=True)
class UserText:
    """`text` goes to Rasa; when `problem` is set ("empty" or "too_long") nothing does."""

    text: str
    problem: str | None = None


def _visible(char: str) -> bool:
    if char in "\n\t":
        return True
    if char in _INVISIBLE_LETTERS:
        return False
    # Cf: zero-width (U+200B-200D, U+2060, U+FEFF), bidi controls (U+200E/F, U+202A-202E,
    # U+2066-2069, U+061C), soft hyphen, tags. Cc: control characters. Cs/Co: surrogates and
    # private use. None of them carries meaning for the assistant.
    return unicodedata.category(char) not in ("Cf", "Cc", "Cs", "Co")


def clean(raw: str) -> str:
    """NFKC-normalised text without invisible characters, stripped of whitespace."""
    text = unicodedata.normalize("NFKC", raw)
    for separator, replacement in _LINE_BREAKS.items():
        text = text.replace(separator, replacement)
    return "".join(char for char in text if _visible(char)).strip()


def as_plain_text(text: str) -> str:
    """`text` without leading slashes (and the whitespace between them): never an intent."""
    while text.startswith("/"):
        text = text.lstrip("/").strip()
    return text


def read_user_text(raw: str | None, *, limit: int = MAX_USER_TEXT) -> UserText:
    """What to send to Rasa for a typed message, or why nothing should be sent."""
    text = as_plain_text(clean(raw or ""))
    if not text:
        return UserText("", "empty")
    if len(text) > limit:
        return UserText("", "too_long")
    return UserText(text)
