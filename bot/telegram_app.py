"""The Telegram front end (python-telegram-bot v22): relays chats to the Rasa REST webhook.

- Polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set (Telegram's
  `X-Telegram-Bot-Api-Secret-Token` header is checked against TELEGRAM_WEBHOOK_SECRET, or a
  generated secret kept in $TNW_DATA_DIR/secrets).
- TELEGRAM_API_BASE_URL points PTB at another Bot API server (a self-hosted one, or the
  fake one the tests use): "<base>/bot" + token + "/method".
- Handlers: bot.telegram_handlers (participants), bot.coordinator_commands (coordinators);
  coordinator notifications: bot.notifications (outbox delivery loop).

Settings read here until they move into the settings package (defaults in brackets):
  TELEGRAM_WEBHOOK_LISTEN [127.0.0.1]   address the webhook server listens on
  TELEGRAM_WEBHOOK_PORT [8443]          port of the webhook server
  TELEGRAM_WEBHOOK_PATH [path of TELEGRAM_WEBHOOK_URL]
  TNW_TELEGRAM_CHAT_QUEUE [5]           messages one chat may have waiting before "rustig aan"
  TNW_TELEGRAM_RASA_PATIENCE [45]       seconds to keep retrying a message while Rasa is down
  TNW_TELEGRAM_MAX_RATE [30]            messages per second to Telegram (its flood limit)
  TNW_OUTBOX_INTERVAL [5]               seconds between looks at the coordinator outbox
  TNW_TELEGRAM_SEND_RETRIES [5]         retries (with backoff) of a Bot API call after 5xx/timeouts
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot import coordinator_commands
from bot import telegram_handlers as h
from bot.bot_data import CONTEXT_TYPES, BotData
from bot.notifications import OutboxDelivery
from bot.rasa_client import RasaClient, client_for
from bot.telegram_flow import ChatGate, RetryingRateLimiter
from bot.texts import USER_COMMAND_MENU
from settings import Settings, local_secret

log = logging.getLogger(__name__)

USER_COMMANDS = tuple(BotCommand(command, description) for command, description in USER_COMMAND_MENU)


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class FrontEndOptions:
    chat_queue: int = 5
    rasa_patience: float = 45.0
    max_rate: float = 30.0
    outbox_interval: float = 5.0
    concurrency: int = 512
    send_retries: int = 5  # retries of a Bot API call after a 5xx, network error or timeout
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str | None = None

    @classmethod
    def from_env(cls) -> FrontEndOptions:
        return cls(
            chat_queue=int(_float_env("TNW_TELEGRAM_CHAT_QUEUE", 5)),
            rasa_patience=_float_env("TNW_TELEGRAM_RASA_PATIENCE", 45.0),
            max_rate=_float_env("TNW_TELEGRAM_MAX_RATE", 30.0),
            outbox_interval=_float_env("TNW_OUTBOX_INTERVAL", 5.0),
            send_retries=int(_float_env("TNW_TELEGRAM_SEND_RETRIES", 5)),
            webhook_listen=os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
            webhook_port=int(_float_env("TELEGRAM_WEBHOOK_PORT", 8443)),
            webhook_path=os.environ.get("TELEGRAM_WEBHOOK_PATH", "").strip() or None,
        )


def api_urls(base_url: str) -> tuple[str, str]:
    """(base_url, base_file_url) for PTB from TELEGRAM_API_BASE_URL.

    Accepts "https://host/bot", "https://host" (→ "/bot" appended) or a "{token}" template.
    """
    base = base_url.strip()
    if "{token}" in base:
        return base, base.replace("/bot", "/file/bot", 1)
    base = base.rstrip("/")
    if not base.endswith("/bot"):
        base += "/bot"
    return base, base[: -len("/bot")] + "/file/bot"


def webhook_secret(settings: Settings) -> str:
    return settings.telegram_webhook_secret or local_secret(settings.data_dir, "telegram_webhook_secret")


def webhook_path(settings: Settings, options: FrontEndOptions) -> str:
    if options.webhook_path:
        return options.webhook_path.strip("/")
    path = urlsplit(settings.telegram_webhook_url or "").path.strip("/")
    return path or "telegram"


async def _post_init(application: Application) -> None:
    """Register the command menus and start the outbox delivery."""
    bot = application.bot
    try:
        await bot.set_my_commands(list(USER_COMMANDS))
    except TelegramError as exc:
        log.warning("Could not register the command menu (%s)", type(exc).__name__)
    shared: BotData = application.bot_data
    session_factory = shared.sessions
    if session_factory is None:
        return
    try:
        chat_ids = await asyncio.to_thread(coordinator_commands.coordinator_chat_ids, session_factory)
        for chat_id in chat_ids:
            await bot.set_my_commands(
                list(USER_COMMANDS) + list(coordinator_commands.COMMANDS), scope=BotCommandScopeChat(chat_id)
            )
    except Exception as exc:  # noqa: BLE001 - a menu is a convenience; the commands work anyway
        log.warning("Could not register the coordinators' command menu (%s)", type(exc).__name__)
    if shared.delivery is not None:
        shared.delivery_task = asyncio.get_running_loop().create_task(
            shared.delivery.run_forever(), name="outbox-delivery"
        )


async def _post_stop(application: Application) -> None:
    shared: BotData = application.bot_data
    task, shared.delivery_task = shared.delivery_task, None
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _post_shutdown(application: Application) -> None:
    fe = application.bot_data.front_end
    if fe is not None:
        await fe.rasa.aclose()


def build_application(
    settings: Settings,
    rasa: RasaClient | None = None,
    *,
    options: FrontEndOptions | None = None,
    session_factory=None,
) -> Application:
    """The PTB application with every handler; nothing is started yet.

    `session_factory` (intake storage) defaults to one for settings.database_url.
    """
    options = options or FrontEndOptions.from_env()
    builder = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(settings.telegram_bot_token)
        .concurrent_updates(options.concurrency)
        .rate_limiter(RetryingRateLimiter(overall_max_rate=options.max_rate,
                                           transient_retries=options.send_retries))
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base_url, base_file_url = api_urls(settings.telegram_api_base_url)
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    application = builder.build()

    rasa = rasa or client_for(settings)
    shared: BotData = application.bot_data
    shared.front_end = h.FrontEnd(
        rasa=rasa,
        secret=settings.sender_secret,
        tracker_store_url=settings.tracker_store_url,
        gate=ChatGate(options.chat_queue),
        rasa_patience=options.rasa_patience,
    )
    if session_factory is None:
        from intake.db import session_factory as make_factory

        session_factory = make_factory(settings.database_url)
    shared.desk = coordinator_commands.CoordinatorDesk(session_factory)
    shared.sessions = session_factory
    shared.delivery = OutboxDelivery(session_factory, application.bot, interval=options.outbox_interval)

    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(filters.UpdateType.EDITED & private, h.on_edited))
    application.add_handler(CommandHandler("start", h.on_start))
    application.add_handler(CommandHandler("help", h.on_help))
    application.add_handler(CommandHandler("privacy", h.on_privacy))
    application.add_handler(CommandHandler("stop", h.on_stop, filters=private))
    for handler in coordinator_commands.handlers():
        application.add_handler(handler)
    application.add_handler(MessageHandler(filters.COMMAND & private, h.on_unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, h.on_text))
    application.add_handler(CallbackQueryHandler(h.on_button))
    # Everything else a person sends in the private chat gets the kind "only text" answer:
    # photos (a caption too), stickers, voice, video, video notes, audio, documents,
    # locations, venues, contacts, polls, dice, stories. Service messages (a pinned message, the
    # auto-delete timer) are not something the person said, and get no answer.
    application.add_handler(MessageHandler(
        ~filters.TEXT & ~filters.StatusUpdate.ALL & private & filters.UpdateType.MESSAGE, h.on_non_text))
    application.add_error_handler(h.on_error)
    return application


@contextlib.asynccontextmanager
async def polling(application: Application, *, poll_timeout: int = 10) -> AsyncIterator[Application]:
    """Run the application's polling inside an existing event loop (tests, embedding).

    Does what run_polling does, hooks included, without taking over the loop.
    """
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def _quiet_logs() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def run_telegram(settings: Settings) -> None:
    """Run the Telegram front end until interrupted (polling, or webhook mode)."""
    _quiet_logs()
    options = FrontEndOptions.from_env()
    application = build_application(settings, options=options)
    if settings.telegram_webhook_url:
        log.info("Telegram front end: webhook mode on %s:%d", options.webhook_listen, options.webhook_port)
        application.run_webhook(
            listen=options.webhook_listen,
            port=options.webhook_port,
            url_path=webhook_path(settings, options),
            webhook_url=settings.telegram_webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("Telegram front end: polling")
        application.run_polling(poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":  # python -m bot.telegram_app (the benchmark runs it this way)
    from settings import load_settings

    run_telegram(load_settings())
