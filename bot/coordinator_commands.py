"""Telegram commands for terug-naar-werk-coördinatoren (registered chat ids only).

/intakes, /vandaag, /intake <nr>, /klaar <nr>, /nietgekomen <nr>, /vragen. Anyone else gets a
polite refusal, and so does every group or channel: participants' details are only shown in a
coordinator's private chat with the bot. The intake package only ever shows a coordinator
their own intakes (by chat id), so an id of someone else's intake behaves like a missing one;
/klaar and /nietgekomen are refused before the intake's start time; /vragen shows the
questions of conversations that booked with the coordinator's ziekenfonds and the anonymous ones.
Database calls are synchronous (SQLAlchemy) and run in a worker thread.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand, Update
from telegram.ext import CommandHandler

from bot.bot_data import Context
from bot.telegram_render import split_text
from bot.texts import (
    COORDINATOR_COMMAND_MENU,
    DATABASE_DOWN,
    MARKED,
    NEEDS_NUMBER,
    NO_INTAKES,
    NO_INTAKES_TODAY,
    NO_QUESTIONS,
    NOT_A_COORDINATOR,
    PRIVATE_ONLY,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

COMMANDS = tuple(BotCommand(command, description) for command, description in COORDINATOR_COMMAND_MENU)


class NotCoordinator(Exception):
    pass


class CoordinatorDesk:
    """Runs coordinator queries in a worker thread, each in its own short session."""

    def __init__(self, session_factory: Callable[[], Session] | sessionmaker) -> None:
        self._session_factory = session_factory

    async def run(self, chat_id: int, work: Callable[[Session], T]) -> T:
        def job() -> T:
            import intake

            with self._session_factory() as session:
                if not intake.is_coordinator(session, chat_id):
                    raise NotCoordinator()
                return work(session)

        return await asyncio.to_thread(job)


async def _reply(update: Update, text: str) -> None:
    for chunk in split_text(text):
        await update.effective_message.reply_text(chunk)


def _command(work_for: Callable[[Update, list[str]], Callable[[Session], str] | str]):
    """Wrap a command: refuse non-coordinators, show domain errors in Dutch, never crash."""

    async def handler(update: Update, context: Context) -> None:
        import intake

        desk = context.bot_data.desk
        assert desk is not None, "build_application sets up the coordinator desk"
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            log.warning("Coordinator command refused outside a private chat")
            if chat is not None and update.effective_message is not None:
                await _reply(update, PRIVATE_ONLY)
            return
        work = work_for(update, list(context.args or []))
        chat_id = chat.id
        try:
            if isinstance(work, str):  # a usage hint, but only coordinators may see it
                await desk.run(chat_id, lambda _session: None)
                text = work
            else:
                text = await desk.run(chat_id, work)
        except NotCoordinator:
            text = NOT_A_COORDINATOR
        except intake.IntakeError as exc:
            text = exc.message
        except Exception:  # noqa: BLE001 - database down or broken: say so, log the type only
            log.exception("Coordinator command failed")
            text = DATABASE_DOWN
        await _reply(update, text)

    return handler


def _intake_id(update: Update, args: list[str], command: str) -> int | str:
    if not args or not args[0].lstrip("#").isdigit():
        return NEEDS_NUMBER.format(command=command)
    return int(args[0].lstrip("#"))


def _agenda(scope: str):
    def work_for(update: Update, _args: list[str]):
        def work(session: Session) -> str:
            import intake

            intakes = intake.coordinator_intakes(session, update.effective_chat.id, scope=scope)
            empty = NO_INTAKES_TODAY if scope == "today" else NO_INTAKES
            title = "Je intakes van vandaag:" if scope == "today" else "Je intakes (komende twee weken):"
            body = intake.agenda_nl(intakes, empty=empty)
            return f"{title}\n{body}\n\nDetails: /intake <nummer>" if intakes else body

        return work

    return work_for


def _show(update: Update, args: list[str]):
    number = _intake_id(update, args, "intake")
    if isinstance(number, str):
        return number

    def work(session: Session) -> str:
        import intake

        view = intake.get_intake_for_coordinator(session, update.effective_chat.id, number)
        return f"{view.details_nl()}\n\nAfgerond: /klaar {view.id}\nNiet gekomen: /nietgekomen {view.id}"

    return work


def _mark(status: str, command: str):
    def work_for(update: Update, args: list[str]):
        number = _intake_id(update, args, command)
        if isinstance(number, str):
            return number

        def work(session: Session) -> str:
            import intake

            view = intake.mark_intake(session, update.effective_chat.id, number, status)
            return MARKED[status].format(id=view.id)

        return work

    return work_for


def _questions(update: Update, _args: list[str]):
    def work(session: Session) -> str:
        import intake

        gaps = intake.coordinator_gaps(session, update.effective_chat.id, days=7)
        if not gaps:
            return NO_QUESTIONS
        lines = [f"• {gap.line_nl}" for gap in gaps]
        return "Vragen van de afgelopen week waarop de assistent geen antwoord had:\n\n" + "\n".join(lines)

    return work


def handlers() -> list[CommandHandler]:
    return [
        CommandHandler("intakes", _command(_agenda("upcoming"))),
        CommandHandler("vandaag", _command(_agenda("today"))),
        CommandHandler("intake", _command(_show)),
        CommandHandler("klaar", _command(_mark("done", "klaar"))),
        CommandHandler("nietgekomen", _command(_mark("no_show", "nietgekomen"))),
        CommandHandler("vragen", _command(_questions)),
    ]


def coordinator_chat_ids(session_factory) -> list[int]:
    """Chat ids of active coordinators (to show them their commands in Telegram's menu)."""
    import intake

    with session_factory() as session:
        return [c.telegram_chat_id for c in intake.list_coordinators(session, include_inactive=False)
                if c.telegram_chat_id is not None]
