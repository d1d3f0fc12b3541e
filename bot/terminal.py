"""The terminal chat: the embedded default front end when no Telegram token is set."""
from __future__ import annotations

import asyncio
import getpass
import signal
import threading
from collections.abc import Callable

from bot.identity import sender_id
from bot.instructions import carry_out
from bot.rasa_client import BotMessage, Button, RasaClient, RasaUnavailable, client_for
from bot.texts import EMPTY_MESSAGE, GOODBYE, NO_ANSWER, TERMINAL_WELCOME, TOO_LONG, UNAVAILABLE
from bot.user_text import read_user_text
from safety.crisis import assess
from safety.replies import crisis_reply
from settings import Settings

STOP_COMMANDS = {"/stop", "/quit", "/exit"}


def terminal_sender_id(secret: str) -> str:
    """One stable id per operating-system user, so a conversation survives a restart."""
    return sender_id("terminal", getpass.getuser(), secret)


def render(messages: list[BotMessage]) -> tuple[str, list[Button]]:
    """Text to print and the buttons a number can pick (numbered across all messages)."""
    lines: list[str] = []
    buttons: list[Button] = []
    for message in messages:
        if message.text:
            lines.append(f"Assistent: {message.text}")
        for button in message.buttons:
            buttons.append(button)
            lines.append(f"  [{len(buttons)}] {button.title}")
        if message.image:
            lines.append(f"  (afbeelding: {message.image})")
    if buttons:
        lines.append("  (typ het nummer van je keuze, of schrijf je antwoord)")
    return "\n".join(lines), buttons


def resolve_choice(text: str, buttons: list[Button]) -> str:
    """A number picks a button's payload; anything else is sent as typed."""
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return buttons[int(text) - 1].payload
    return text


def to_send(text: str, buttons: list[Button]) -> tuple[str | None, str | None]:
    """(what to send to Rasa, or None with the reply to print instead).

    Only a number picks a button payload (which may start with "/"); typed text always
    reaches Rasa as plain text, never as an intent (bot/user_text.py).
    """
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return resolve_choice(text, buttons), None
    prepared = read_user_text(text)
    if prepared.problem == "too_long":
        crisis = assess(text)
        return None, crisis_reply(crisis) if crisis.is_crisis else TOO_LONG
    if prepared.problem:
        return None, EMPTY_MESSAGE
    return prepared.text, None


async def chat(
    client: RasaClient,
    sender: str,
    *,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    on_instruction: Callable[[dict], None] = lambda _instruction: None,
) -> None:
    write(TERMINAL_WELCOME)
    buttons: list[Button] = []
    while True:
        try:
            # Blocking on purpose: nothing else runs in this loop, and Ctrl-C then interrupts
            # input() directly instead of leaving a reader thread behind.
            line = read("Jij: ")
        except (EOFError, KeyboardInterrupt):
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in STOP_COMMANDS:
            break
        outgoing, reply = to_send(text, buttons)
        if outgoing is None:
            write(f"Assistent: {reply}")
            continue
        try:
            messages = await client.send(sender, outgoing)
        except RasaUnavailable:
            crisis = assess(text)
            write(f"Assistent: {crisis_reply(crisis)}" if crisis.is_crisis else UNAVAILABLE)
            continue
        output, buttons = render(messages)
        write(output or f"Assistent: {NO_ANSWER}")
        for message in messages:
            if message.custom:
                on_instruction(message.custom)
    write(GOODBYE)


def run_terminal_chat(settings: Settings) -> None:
    sender = terminal_sender_id(settings.sender_secret)

    async def main() -> None:
        if threading.current_thread() is threading.main_thread():
            # asyncio.run() turns a first Ctrl-C into a task cancellation, which a blocking
            # input() never notices; Python's default handler interrupts input() at once.
            signal.signal(signal.SIGINT, signal.default_int_handler)
        async with client_for(settings) as client:
            await chat(
                client,
                sender,
                on_instruction=lambda instruction: carry_out(instruction, sender, settings.tracker_store_url),
            )

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print(f"\n{GOODBYE}")
