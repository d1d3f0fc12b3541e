from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bot.rasa_client import BotMessage, Button, RasaUnavailable
from bot.terminal import chat, render, resolve_choice, terminal_sender_id
from bot.texts import GOODBYE, UNAVAILABLE
from bot.texts import TERMINAL_WELCOME as WELCOME


class FakeRasa:
    def __init__(self, replies):
        self.replies = list(replies)
        self.sent = []

    async def send(self, sender, text):
        self.sent.append((sender, text))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def scripted(lines):
    lines = list(lines)

    def read(prompt):
        if not lines:
            raise EOFError
        return lines.pop(0)

    return read


async def test_chat_relays_messages_and_numbered_buttons():
    rasa = FakeRasa([
        [BotMessage("Welke maatregel?", (Button("VOP", '/ask_measure{"measure":"vop"}'), Button("BTOM", "/b")))],
        [BotMessage("De VOP is ...")],
    ])
    out = []
    await chat(rasa, "terminal-x", read=scripted(["wat is dat?", "  ", "1"]), write=out.append)
    assert rasa.sent == [("terminal-x", "wat is dat?"), ("terminal-x", '/ask_measure{"measure":"vop"}')]
    assert out[0] == WELCOME and out[-1] == GOODBYE
    assert "[1] VOP" in out[1] and "[2] BTOM" in out[1]
    assert "Assistent: De VOP is ..." in out[2]


async def test_chat_apologises_when_rasa_is_down_and_goes_on():
    rasa = FakeRasa([RasaUnavailable("down"), [BotMessage("Hallo!")]])
    out = []
    await chat(rasa, "s", read=scripted(["hallo", "hallo", "/stop", "niet verzonden"]), write=out.append)
    assert out[1] == UNAVAILABLE
    assert "Hallo!" in out[2]
    assert len(rasa.sent) == 2


def test_a_number_outside_the_buttons_is_sent_as_text():
    buttons = [Button("Ja", "/affirm")]
    assert resolve_choice("1", buttons) == "/affirm"
    assert resolve_choice("2", buttons) == "2"
    assert resolve_choice("1", []) == "1"


def test_render_numbers_buttons_across_messages():
    text, buttons = render([BotMessage("a", (Button("x", "1"),)), BotMessage("b", (Button("y", "2"),))])
    assert "[2] y" in text and [b.payload for b in buttons] == ["1", "2"]


def test_terminal_sender_id_is_stable():
    assert terminal_sender_id("s") == terminal_sender_id("s")
    assert terminal_sender_id("s").startswith("terminal-")


async def test_instructions_from_the_assistant_are_carried_out_not_printed():
    rasa = FakeRasa([[BotMessage("Je gegevens zijn gewist."), BotMessage(custom={"tnw_delete_conversation": True})]])
    out, instructions = [], []
    await chat(rasa, "s", read=scripted(["ja, wis alles"]), write=out.append, on_instruction=instructions.append)
    assert instructions == [{"tnw_delete_conversation": True}]
    assert "tnw_delete_conversation" not in "\n".join(out)


def test_one_ctrl_c_ends_the_terminal_chat(tmp_path):
    """The chat waits in input(); a single SIGINT must end it (no Rasa server needed for that)."""
    env = {**os.environ, "TNW_DATA_DIR": str(tmp_path / "var"), "TNW_RASA_PORT": "9"}
    code = "from settings import load_settings; from bot.terminal import run_terminal_chat; " \
           "run_terminal_chat(load_settings())"
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 20
        seen = ""
        while "Typ /stop" not in seen and time.monotonic() < deadline:
            seen += process.stdout.readline()
        time.sleep(0.5)  # now blocked in input()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)  # stdin stays open: only the signal can end the chat
        out = process.stdout.read()
    finally:
        process.kill()
    assert GOODBYE in out


async def test_typed_intents_are_plain_text_and_numbers_still_pick_buttons():
    from bot.texts import EMPTY_MESSAGE as EMPTY
    from bot.texts import TOO_LONG

    rasa = FakeRasa([
        [BotMessage("Kies", (Button("Ja", "/affirm"),))],
        [BotMessage("ok")], [BotMessage("ok")], [BotMessage("ok")],
    ])
    out = []
    lines = ["kies", "1", '/inform{"name": "x"}', "\u00a0\u200b/deny", "///", "a " * 3000]
    await chat(rasa, "s", read=scripted(lines), write=out.append)
    assert [text for _, text in rasa.sent] == ["kies", "/affirm", 'inform{"name": "x"}', "deny"]
    assert f"Assistent: {EMPTY}" in out and f"Assistent: {TOO_LONG}" in out
