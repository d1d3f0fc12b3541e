"""The flood-wait of a 429, read through PTB's public attribute in both of its types."""
from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import RetryAfter

from bot.telegram_flow import retry_after_seconds


def test_retry_after_is_read_as_seconds_from_an_int_or_a_timedelta():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB's own constructor warns about the coming type change
        as_int, as_timedelta = RetryAfter(3), RetryAfter(timedelta(seconds=2.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading it must not warn
        assert retry_after_seconds(as_int) == 3.0
        assert retry_after_seconds(as_timedelta) == 2.5
