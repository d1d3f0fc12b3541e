"""What the Telegram handlers share, as one typed object instead of string keys.

PTB creates one `BotData` per application (`ContextTypes(bot_data=BotData)`, wired in
bot/telegram_app.py); `build_application` fills it in before anything starts. Handlers read it as
`context.bot_data` (typed through `Context` below).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.coordinator_commands import CoordinatorDesk
    from bot.notifications import OutboxDelivery
    from bot.telegram_handlers import FrontEnd


@dataclass
class BotData:
    front_end: FrontEnd | None = None  # the Rasa client, pseudonyms, chat gates, buttons
    desk: CoordinatorDesk | None = None  # coordinator commands
    sessions: sessionmaker[Session] | None = None  # intake storage
    delivery: OutboxDelivery | None = None  # notifications to coordinators
    delivery_task: asyncio.Task | None = None  # the running outbox loop, between post_init and post_stop


CONTEXT_TYPES = ContextTypes(bot_data=BotData)
# The handlers' context: `context.bot_data` is a BotData.
Context = CallbackContext[ExtBot[None], dict, dict, BotData]
