"""Typed text is plain text for Rasa: never an intent, whatever Unicode it hides behind."""
from __future__ import annotations

import pytest

from bot.user_text import MAX_USER_TEXT, UserText, clean, read_user_text

SLASHES = ["/", "\uff0f"]  # "/" and the full-width solidus (NFKC makes it "/")
HIDERS = ["", " ", "\u00a0", "\u2007", "\u202f", "\u3000", "\t", "\n", "\u200b", "\u200c", "\u200d", "\u2060",
          "\ufeff", "\u200e", "\u200f", "\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
          "\u2069", "\u061c", "\u00ad", "\u3164", "\u2028", "\x00", "\x1b"]


@pytest.mark.parametrize("hider", HIDERS)
@pytest.mark.parametrize("slash", SLASHES)
def test_no_hidden_prefix_lets_a_slash_through(hider, slash):
    prepared = read_user_text(f"{hider}{slash}{hider}inform{{\"name\": \"x\"}}")
    assert prepared.problem is None
    # What Rasa does before it looks for "/": Python's strip().
    assert not prepared.text.strip().startswith("/")
    assert prepared.text == 'inform{"name": "x"}'


def test_text_without_tricks_is_unchanged():
    for text in ("wat is de VOP?", "hallo 👋", "Ik woon in 3500 Hasselt.", "ça va? – ja", "a\n\nb", "1/2 dag"):
        assert read_user_text(text) == UserText(text)


def test_nfkc_and_invisible_characters():
    assert clean("ﬁets") == "fiets"  # ligature
    assert clean("V\u200bO\u200dP") == "VOP"
    assert clean("  \u202eabc\u202c  ") == "abc"
    assert clean("een\u2028twee") == "een\ntwee"


@pytest.mark.parametrize("text", ["", "   ", "/", "//  /", "\u200b", "\u202e\u202c", "\x00", None])
def test_nothing_left_is_empty(text):
    assert read_user_text(text) == UserText("", "empty")


def test_length_cap():
    assert read_user_text("a" * MAX_USER_TEXT).problem is None
    assert read_user_text("a" * (MAX_USER_TEXT + 1)) == UserText("", "too_long")
    assert read_user_text("a" * 10, limit=5).problem == "too_long"
