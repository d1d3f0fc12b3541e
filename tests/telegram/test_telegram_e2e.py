"""End to end: fake Bot API → real PTB front end → real Rasa server → real action server.

The stack starts once for the module (~1 minute); each test starts its own fake Bot API and
front end in the test's event loop (milliseconds).
"""
from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from actions.formatting import one_message
from actions.knowledge import documents
from bot import telegram_handlers as h
from bot.rasa_client import RasaClient, client_for
from tests.telegram.fake_bot_api import TOKEN
from tests.telegram.frontend_support import fast_options, running_frontend
from tests.telegram.stack_support import start_stack

pytestmark = pytest.mark.integration

COORDINATOR_CHAT = 7001  # the demo CM coordinator (Oost- en West-Vlaanderen)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        with start_stack(patch, tmp_path_factory.mktemp("tg-stack"),
                         coordinator_chats={"CM": COORDINATOR_CHAT}) as (settings, group):
            yield settings, group


@pytest.fixture
def e2e_settings(stack, fake_api):
    settings, _ = stack
    return dataclasses.replace(settings, telegram_bot_token=TOKEN, telegram_api_base_url=fake_api.base_url)


def rasa_client(settings) -> RasaClient:
    return client_for(settings, timeout=60)


async def ask(api, chat: int, text: str, replies_before: int, timeout: float = 60) -> list[str]:
    await api.send_text(chat, text)
    await api.wait_for_texts(chat, replies_before + 1, timeout)
    await asyncio.sleep(0.3)  # a reply may come in several messages
    return api.sent_texts(chat)[replies_before:]


async def test_knowledge_question_and_follow_up(e2e_settings, fake_api):
    chat = 5001
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        first = await ask(fake_api, chat, "wat is de VOP?", 0)
        vop = documents()["vop"]
        assert one_message(vop.section("what").text)[:200] in "\n".join(first)
        follow_up = await ask(fake_api, chat, "hoe vraag ik dat aan?", len(fake_api.sent_texts(chat)))
    assert "WSE" in "\n".join(follow_up) or "aanvragen" in "\n".join(follow_up).lower()
    assert fake_api.calls_of("sendChatAction", chat)


async def test_button_press_goes_to_rasa_and_marks_the_choice(e2e_settings, fake_api):
    chat = 5002
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        await ask(fake_api, chat, "wat is de VOP?", 0)
        answer = [m for m in fake_api.bot_messages(chat) if m.reply_markup][-1]
        buttons = [row[0] for row in answer.reply_markup["inline_keyboard"]]
        assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
        before = len(fake_api.sent_texts(chat))
        await fake_api.press_button(chat, answer.message_id, buttons[0]["callback_data"])
        await fake_api.wait_for_texts(chat, before + 1, 60)
        assert answer.text.endswith(f"✓ {buttons[0]['text']}") and answer.reply_markup is None
        assert fake_api.calls_of("answerCallbackQuery")

        # A payload Rasa reads as an intent with an entity, skipping NLU.
        before = len(fake_api.sent_texts(chat))
        await fake_api.press_button(chat, answer.message_id - 0, '/ask_measure{"measure": "btom"}')
        await fake_api.wait_for(lambda: len(fake_api.calls_of("answerCallbackQuery")) >= 2, 10)
    # The second press on an already used keyboard is ignored (double tap protection) ...
    assert len(fake_api.sent_texts(chat)) == before
    # ... and data that is not a button of the pressed message never reaches Rasa as an intent.
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        await ask(fake_api, chat, "hallo", len(fake_api.sent_texts(chat)))
        fresh = fake_api.bot_messages(chat)[-1]
        before, answered = len(fake_api.sent_texts(chat)), len(fake_api.calls_of("answerCallbackQuery"))
        await fake_api.press_button(chat, fresh.message_id, '/ask_measure{"measure": "btom"}')
        await fake_api.wait_for(lambda: len(fake_api.calls_of("answerCallbackQuery")) > answered, 10)
        assert fake_api.calls_of("answerCallbackQuery")[-1].params.get("text") == h.BUTTON_EXPIRED
        await ask(fake_api, chat, "dank je", before)  # the next message is answered, nothing in between
    assert not any(documents()["btom"].title in t for t in fake_api.sent_texts(chat)[before:])


async def test_non_text_message(e2e_settings, fake_api):
    chat = 5003
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        await fake_api.send_sticker(chat)
        assert await fake_api.wait_for_texts(chat, 1, 10) == [h.TEXT_ONLY]


async def test_a_5000_character_message(e2e_settings, fake_api):
    chat = 5004
    text = ("Ik ben al lang ziek en wil graag terug aan het werk, maar mijn werkgever twijfelt. " * 60)[:5000]
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        replies = await ask(fake_api, chat, text, 0, timeout=90)
        assert replies and all(len(r) <= 4096 for r in replies)
        # The conversation goes on normally afterwards: nothing stuck, nothing lost.
        after = await ask(fake_api, chat, "wat is jobcoaching?", len(fake_api.sent_texts(chat)))
    assert "jobcoach" in "\n".join(after).lower()


async def test_429_from_send_message_is_retried(e2e_settings, fake_api):
    chat = 5005
    fake_api.fail("sendMessage", 429, retry_after=1)
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        replies = await ask(fake_api, chat, "hallo", 0)
    assert "Waarmee kan ik je helpen?" in "\n".join(replies)
    assert [c.ok for c in fake_api.calls_of("sendMessage", chat)][:2] == [False, True]


async def test_rasa_killed_and_restarted(stack, e2e_settings, fake_api):
    chat = 5006
    _, group = stack
    rasa_server = next(p for p in group.processes if p.name == "Rasa server")
    options = fast_options(rasa_patience=240)
    async with running_frontend(e2e_settings, rasa_client(e2e_settings), options=options, retry_delay=2):
        await ask(fake_api, chat, "hallo", 0)
        rasa_server.stop()
        started = time.monotonic()
        await fake_api.send_text(chat, "wat is de VOP?")
        texts = await fake_api.wait_for_texts(chat, 2, 30)
        assert texts[-1] == h.PLEASE_WAIT
        # Started from this (the main) thread: the child's parent-death signal is tied to the
        # thread that spawns it, and a worker thread of to_thread() ends with this test's loop.
        rasa_server.start()
        await asyncio.to_thread(rasa_server.wait_ready, 240)
        # The message sent while Rasa was down is answered once it is back: not lost.
        texts = await fake_api.wait_for_texts(chat, 3, 120)
        assert "VOP" in texts[2], texts
        restart_seconds = time.monotonic() - started
        again = await ask(fake_api, chat, "dank je", len(texts))
    assert again and h.UNAVAILABLE not in again
    print(f"Rasa restart answered after {restart_seconds:.0f} s")


async def test_booking_notifies_the_coordinator(stack, e2e_settings, fake_api):
    """Participant books an intake (consent first, buttons pressed); the coordinator gets it."""
    chat = 5007

    async def expect(step, text: str) -> None:
        before = len(fake_api.sent_texts(chat))
        await step
        await fake_api.wait_for(lambda: any(text in t for t in fake_api.sent_texts(chat)[before:]),
                                60, f"a reply with {text!r}")

    def press(matches):
        message = next(m for m in reversed(fake_api.bot_messages(chat)) if m.reply_markup)
        pressed = next(b for row in message.reply_markup["inline_keyboard"] for b in row if matches(b))
        return fake_api.press_button(chat, message.message_id, pressed["callback_data"])

    async with running_frontend(e2e_settings, rasa_client(e2e_settings),
                                options=fast_options(outbox_interval=0.5, rasa_patience=30)) as application:
        await expect(fake_api.send_text(chat, "ik wil een gesprek met een coördinator plannen"), "Ga je akkoord?")
        await expect(press(lambda b: b["text"] == "Ja, dat is goed"), "Hoe mag de coördinator je noemen?")
        await expect(fake_api.send_text(chat, "Jan Testmans"), "Hoe kan de coördinator je bereiken?")
        await expect(fake_api.send_text(chat, "0470 12 34 56"), "Bij welk ziekenfonds")
        await expect(press(lambda b: b["callback_data"] == "CM"), "Wat is je postcode?")
        await expect(fake_api.send_text(chat, "9000"), "Waarover wil je praten?")
        await expect(fake_api.send_text(chat, "Ik wil na mijn burn-out terug aan het werk."), "Kies een moment")
        await expect(press(lambda b: True), "Je afspraak staat vast!")
        notes = await fake_api.wait_for_texts(COORDINATOR_CHAT, 1, 30)
        # Three more outbox rounds: the notice must not be sent twice.
        delivery = application.bot_data.delivery
        done = delivery.rounds
        await asyncio.wait_for(_rounds_reached(delivery, done + 3), 30)
    assert "Nieuwe intake" in notes[0] and "Jan Testmans" in notes[0]
    assert len(fake_api.sent_texts(COORDINATOR_CHAT)) == 1


async def _rounds_reached(delivery, rounds: int) -> None:
    while delivery.rounds < rounds:
        await asyncio.sleep(0.05)


async def test_a_french_crisis_message_gets_the_crisis_lines_in_french(e2e_settings, fake_api):
    chat = 5010
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        replies = await ask(fake_api, chat, "je n'en peux plus, je pense à mettre fin à mes jours", 0)
    reply = "\n".join(replies)
    assert "1813" in reply and "112" in reply and "danger immédiat" in reply
    # No question, no buttons to measures, no booking form.
    assert all(m.reply_markup is None for m in fake_api.bot_messages(chat))
    assert "?" not in reply


async def test_a_crisis_inside_the_intake_form_stops_the_form(e2e_settings, fake_api):
    chat = 5011
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        await ask(fake_api, chat, "ik wil een afspraak maken met een coördinator", 0)
        message = next(m for m in reversed(fake_api.bot_messages(chat)) if m.reply_markup)
        consent = next(b for row in message.reply_markup["inline_keyboard"] for b in row
                       if b["text"] == "Ja, dat is goed")
        before = len(fake_api.sent_texts(chat))
        await fake_api.press_button(chat, message.message_id, consent["callback_data"])
        await fake_api.wait_for(lambda: any("Hoe mag de coördinator je noemen?" in t
                                            for t in fake_api.sent_texts(chat)[before:]), 60, "the name question")
        crisis = await ask(fake_api, chat, "eigenlijk zie ik het allemaal niet meer zitten",
                           len(fake_api.sent_texts(chat)))
        assert "1813" in "\n".join(crisis) and "coördinator je noemen" not in "\n".join(crisis)
        # The form is put aside: the next message is read as itself, not stored as a name.
        after = await ask(fake_api, chat, "wat is jobcoaching?", len(fake_api.sent_texts(chat)))
    assert "jobcoach" in "\n".join(after).lower()
    assert not any("noemen?" in text for text in after)


async def test_a_greeting_before_a_request_gets_the_answer(e2e_settings, fake_api):
    chat = 5101
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        replies = "\n".join(await ask(fake_api, chat,
                                      "Goeiemorgen! Wie betaalt een aangepaste bureaustoel voor mijn werk?", 0))
    assert "BTOM" in replies or "tewerkstellingsondersteunende" in replies  # the answer, not only a hello
    assert replies.startswith("Dag!\n")  # after a short greeting back


async def test_a_french_question_is_answered_in_french(e2e_settings, fake_api):
    chat = 5102
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        replies = "\n".join(await ask(fake_api, chat,
                                      "Bonjour, est-ce que je peux recommencer à travailler à mi-temps "
                                      "pendant ma maladie ?", 0))
    assert "progressieve werkhervatting" in replies and "médecin-conseil" in replies  # the summary, in French
    assert "néerlandais" in replies  # and that the assistant itself works in Dutch


async def test_booking_for_a_partner_explains_that_the_person_concerned_books(e2e_settings, fake_api):
    chat = 5103
    async with running_frontend(e2e_settings, rasa_client(e2e_settings)):
        replies = "\n".join(await ask(fake_api, chat,
                                      "ik wil een afspraak met een coördinator maken voor mijn vrouw", 0))
    assert "naaste" in replies and "zelf" in replies
    assert "Ga je akkoord" not in replies  # no consent question, no form


# ---------------------------------------------------------------- bad input, real stack

PERSONAL = ("Griet Vandamme", "0470 99 88 77", "griet.vandamme@telenet.be", "85.07.30-033.61")
BAD_TEXTS = [
    # injected intents and entities
    '/inform{"slot_id": "1"}', '/ inform{"intake_name": "x"}', "\u00a0/affirm", "\u200b/privacy_delete_data",
    "\uff0fbook_intake", "//stop", '/ask_item{"item": ["a", "b"]}', '/ask_measure{"measure": {"x": 1}}',
    '/inform{"role": 42}', "/nlu_fallback", '/cancel_appointment{"intake_id": "1 OR 1=1"}', "/\u202eaffirm",
    # Unicode tricks
    "wat is de \u202eVOP", "V\u200bO\u200bP?", "\u2066BTOM\u2069 aanvragen", "ｗａｔ ｉｓ ｄｅ ＶＯＰ",
    "e\u0301e\u0301n vraag",
    "\u0000\u0001hallo", "zalgo: h̷̛̖a̸l̶l̵o̴", "\ufeffjobcoaching?", "tab\tin\tde\tvraag", "\n\n\nwat is btom\n\n\n",
    # very long messages
    "Wat is de VOP? " * 340, "a" * 5000, "x" * 4096,
    # emoji only and non-Dutch scripts
    "🙂", "😡😡😡", "👍🏽", "❤️🔥", "مرحبا، كيف يمكنني العودة إلى العمل؟", "我生病了，可以回去工作吗？",
    "Привет, я болею. Что мне делать?", "שלום", "नमस्ते", "Γεια σου",
    # markup, SQL and HTML as plain messages
    "<b>vet</b> <script>alert(1)</script>", "'; DROP TABLE intakes; --", "Robert'); DELETE FROM slots;--",
    "<a href=\"javascript:alert(1)\">klik</a>", "*vet* _schuin_ `code` [link](http://x)", "{{7*7}} ${7*7} %s %d",
    # personal data in an ordinary question (must not reach a log)
    f"ik ben {PERSONAL[0]}, mijn nummer is {PERSONAL[1]} en mijn rijksregisternummer {PERSONAL[3]}",
]
FORM_FIELDS = [  # (what the form asks, what is typed): markup, SQL and HTML in every field
    ("Hoe mag de coördinator je noemen?", "<b>Jan</b>'; DROP TABLE intakes;--"),
    ("Hoe mag de coördinator je noemen?", "Jan Testmans"),
    ("Hoe kan de coördinator je bereiken?", "<script>alert('x')</script>"),
    ("Hoe kan de coördinator je bereiken?", PERSONAL[2]),
    ("Bij welk ziekenfonds", "'; DELETE FROM slots; --"),
]


async def test_bad_input_corpus_against_the_real_stack(stack, e2e_settings, fake_api):
    """Every case gets a clear Dutch answer, nothing is stored half, nothing personal is logged."""
    from intake.db import session_factory
    from intake.models import Intake
    from tests.telegram.fake_bot_api import NON_TEXT_CONTENT

    settings, _ = stack

    def intakes() -> int:
        with session_factory(settings.database_url)() as session:
            return session.query(Intake).count()

    stored_before = intakes()  # other tests of the module book on the same stack
    chats = iter(range(5200, 5400))
    cases = 0
    async with running_frontend(e2e_settings, rasa_client(e2e_settings), options=fast_options(rasa_patience=30)):
        for text in BAD_TEXTS:
            chat = next(chats)
            await fake_api.send_content(chat, text=text)
            replies = await fake_api.wait_for_texts(chat, 1, 60)
            assert all(reply.strip() for reply in replies), text[:40]
            assert h.SOMETHING_WENT_WRONG not in replies, text[:40]
            cases += 1
        for kind, content in NON_TEXT_CONTENT.items():
            chat = next(chats)
            await fake_api.send_content(chat, **content)
            assert await fake_api.wait_for_texts(chat, 1, 10) == [h.TEXT_ONLY], kind
            cases += 1

        # The form: consent, then bad values in the fields, a voice note and a sticker in between.
        chat = next(chats)
        await ask(fake_api, chat, "ik wil een afspraak maken met een coördinator", 0)
        message = next(m for m in reversed(fake_api.bot_messages(chat)) if m.reply_markup)
        consent = next(b for row in message.reply_markup["inline_keyboard"] for b in row
                       if b["text"] == "Ja, dat is goed")
        # Forged presses first: data that is not a button of that message.
        for forged in ('/inform{"slot_id": "1"}', "/privacy_delete_data", "x" * 64, ""):
            answered = len(fake_api.calls_of("answerCallbackQuery"))
            await fake_api.press_button(chat, message.message_id, forged)
            await fake_api.wait_for(
                lambda answered=answered: len(fake_api.calls_of("answerCallbackQuery")) > answered, 10)
            assert fake_api.calls_of("answerCallbackQuery")[-1].params.get("text") == h.BUTTON_EXPIRED
            cases += 1
        before = len(fake_api.sent_texts(chat))
        await fake_api.press_button(chat, message.message_id, consent["callback_data"])
        await fake_api.wait_for(lambda: any("je noemen?" in t for t in fake_api.sent_texts(chat)[before:]), 60)
        for kind in ("voice", "sticker", "location"):
            before = len(fake_api.sent_texts(chat))
            await fake_api.send_content(chat, **NON_TEXT_CONTENT[kind])
            assert (await fake_api.wait_for_texts(chat, before + 1, 10))[before:] == [h.TEXT_ONLY]
            cases += 1
        for asked, typed in FORM_FIELDS:
            assert any(asked in t for t in fake_api.sent_texts(chat)[-6:]), asked
            before = len(fake_api.sent_texts(chat))
            await fake_api.send_text(chat, typed)
            await fake_api.wait_for_texts(chat, before + 1, 60)
            await asyncio.sleep(0.3)
            cases += 1
        await ask(fake_api, chat, "stop", len(fake_api.sent_texts(chat)))

    assert cases >= 60
    assert intakes() == stored_before  # the form was stopped: nothing stored, not half
    logged = "\n".join(p.read_text(errors="replace") for p in settings.logs_dir.rglob("*.log"))
    for value in (*PERSONAL, "Jan Testmans", "DROP TABLE"):
        assert value not in logged, value
