"""The real PTB application against the fake Bot API, with a scripted Rasa (fast, no servers)."""
from __future__ import annotations

import logging

from bot import telegram_handlers as h
from bot.identity import sender_id
from tests.telegram.frontend_support import fast_options, running_frontend

CHAT = 1001


async def test_startup_registers_the_command_menu(frontend, fake_api):
    await fake_api.wait_for(lambda: fake_api.commands, 5, "setMyCommands")
    default = fake_api.commands['{"type": "default"}']
    assert [c["command"] for c in default] == ["start", "help", "privacy", "stop"]


async def test_start_help_and_privacy_are_dutch_and_local(frontend, fake_api, rasa):
    await fake_api.send_text(CHAT, "/start")
    await fake_api.send_text(CHAT, "/help")
    await fake_api.send_text(CHAT, "/privacy")
    start, help_text, privacy = await fake_api.wait_for_texts(CHAT, 3)
    assert "geen mens" in start and "/privacy" in start
    assert "/stop" in help_text
    assert "toestemming" in privacy and "wis mijn gegevens" in privacy
    assert rasa.received == []


async def test_text_goes_to_rasa_under_a_pseudonym_with_typing(frontend, fake_api, rasa, tg_settings):
    await fake_api.send_text(CHAT, "wat is de VOP?")
    texts = await fake_api.wait_for_texts(CHAT, 1)
    assert texts == ["Je zei: wat is de VOP?"]
    assert rasa.received == [(sender_id("telegram", CHAT, tg_settings.sender_secret), "wat is de VOP?")]
    assert str(CHAT) not in rasa.received[0][0]
    assert fake_api.calls_of("sendChatAction", CHAT)[0].params["action"] == "typing"


async def test_buttons_become_an_inline_keyboard_and_a_press_goes_on(frontend, fake_api, rasa):
    long_payload = '/inform{"topic": "' + "aanpassing werkplek " * 5 + '"}'
    rasa.reply = lambda sender, text: (
        [{"text": "Wil je een afspraak?", "buttons": [
            {"title": "Ja, graag", "payload": "/affirm"}, {"title": "Over mijn werkplek", "payload": long_payload}]}]
        if text == "afspraak" else [{"text": f"Oké: {text}"}])
    await fake_api.send_text(CHAT, "afspraak")
    await fake_api.wait_for_texts(CHAT, 1)
    question = fake_api.bot_messages(CHAT)[-1]
    keyboard = question.reply_markup["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Ja, graag", "Over mijn werkplek"]
    data = keyboard[1][0]["callback_data"]
    assert len(data.encode()) <= 64

    query_id = await fake_api.press_button(CHAT, question.message_id, data)
    texts = await fake_api.wait_for_texts(CHAT, 2)
    assert texts[-1] == f"Oké: {long_payload}"
    assert [c.params["callback_query_id"] for c in fake_api.calls_of("answerCallbackQuery")] == [query_id]
    assert question.text.endswith("✓ Over mijn werkplek") and question.reply_markup is None

    # A second tap on the same (old) message is answered but not sent to Rasa again.
    await fake_api.press_button(CHAT, question.message_id, data)
    await fake_api.wait_for(lambda: len(fake_api.calls_of("answerCallbackQuery")) == 2, 5)
    assert fake_api.calls_of("answerCallbackQuery")[-1].params.get("text") == h.ALREADY_CHOSEN
    assert len(rasa.received) == 2


async def test_an_unknown_long_button_after_a_restart_is_explained(frontend, fake_api, rasa):
    rasa.reply = lambda s, t: [{"text": "Kies", "buttons": [{"title": "A", "payload": "/a"}]}]
    await fake_api.send_text(CHAT, "kies")
    await fake_api.wait_for_texts(CHAT, 1)
    message = fake_api.bot_messages(CHAT)[-1]
    await fake_api.press_button(CHAT, message.message_id, "~k:unknownkey")
    await fake_api.wait_for(lambda: fake_api.calls_of("answerCallbackQuery"), 5)
    assert fake_api.calls_of("answerCallbackQuery")[0].params["text"] == h.BUTTON_EXPIRED
    assert len(rasa.received) == 1


async def test_non_text_and_edited_messages_get_a_kind_answer(frontend, fake_api, rasa):
    senders = [fake_api.send_sticker, fake_api.send_photo, fake_api.send_voice, fake_api.send_document,
               fake_api.send_location]
    for i, send in enumerate(senders):
        await send(CHAT)
        await fake_api.wait_for_texts(CHAT, i + 1)
    sent = await fake_api.send_text(CHAT, "hallo")
    await fake_api.wait_for_texts(CHAT, 6)
    await fake_api.edit_text(CHAT, sent["message_id"], "hallo daar")
    texts = await fake_api.wait_for_texts(CHAT, 7)
    assert texts[:5] == [h.TEXT_ONLY] * 5
    assert texts[-1] == h.EDITED
    assert [t for _, t in rasa.received] == ["hallo"]


async def test_an_album_of_photos_gets_one_answer(frontend, fake_api, rasa):
    for _ in range(6):
        await fake_api.send_photo(CHAT, media_group_id="album-1")
    await fake_api.send_photo(CHAT, media_group_id="album-2")
    await fake_api.send_text(CHAT, "en nu tekst")
    await fake_api.wait_for(lambda: "Je zei: en nu tekst" in fake_api.sent_texts(CHAT), 10)
    await fake_api.wait_for(lambda: fake_api.sent_texts(CHAT).count(h.TEXT_ONLY) >= 2, 5)
    assert fake_api.sent_texts(CHAT).count(h.TEXT_ONLY) == 2  # one per album


async def test_photos_sent_one_by_one_each_get_an_answer(frontend, fake_api, rasa):
    for i in range(3):
        await fake_api.send_photo(CHAT)
        await fake_api.wait_for_texts(CHAT, i + 1, timeout=5)
    assert fake_api.sent_texts(CHAT) == [h.TEXT_ONLY] * 3


async def test_a_5000_character_message_is_answered_in_pieces(frontend, fake_api, rasa):
    question = ("Ik heb een vraag over mijn werk. " * 151).strip()  # 4 982 characters, within the cap
    rasa.reply = lambda sender, text: [{"text": "\n\n".join([text[:3000], text[3000:]])}]
    await fake_api.send_text(CHAT, question)
    texts = await fake_api.wait_for_texts(CHAT, 2)
    assert rasa.received[0][1] == question  # nothing cut off on the way to Rasa
    assert all(len(t) <= 4096 for t in texts)
    assert "".join(texts).replace(" ", "") == question.replace(" ", "")


async def test_unknown_command_and_stop(frontend, fake_api, rasa):
    rasa.reply = lambda sender, text: []
    await fake_api.send_text(CHAT, "/bestaatniet")
    await fake_api.send_text(CHAT, "/stop")
    texts = await fake_api.wait_for_texts(CHAT, 2)
    assert texts == [h.UNKNOWN_COMMAND, h.STOPPED]
    assert [t for _, t in rasa.received] == ["/stop"]


async def test_telegram_429_and_500_on_send_are_retried(frontend, fake_api, rasa):
    fake_api.fail("sendMessage", 429, retry_after=1)
    await fake_api.send_text(CHAT, "een")
    assert await fake_api.wait_for_texts(CHAT, 1, timeout=10) == ["Je zei: een"]
    fake_api.fail("sendMessage", 500, times=2)
    await fake_api.send_text(CHAT, "twee")
    assert (await fake_api.wait_for_texts(CHAT, 2, timeout=10))[-1] == "Je zei: twee"
    failed = [c for c in fake_api.calls_of("sendMessage", CHAT)]
    assert len(failed) == 2 + 1 + 2  # each fault answered once, then success


async def test_rasa_down_gets_a_friendly_wait_then_an_apology(frontend, fake_api, rasa):
    rasa.down = True
    await fake_api.send_text(CHAT, "hallo")
    texts = await fake_api.wait_for_texts(CHAT, 2, timeout=15)
    assert texts == [h.PLEASE_WAIT, h.UNAVAILABLE]


async def test_rasa_down_and_a_crisis_message_gets_the_crisis_lines_at_once(frontend, fake_api, rasa):
    rasa.down = True
    await fake_api.send_text(CHAT, "ik wil er niet meer zijn")
    await fake_api.wait_for_texts(CHAT, 1, timeout=15)
    # Rasa back and a next message: one chat is answered in order, so anything still coming
    # for the crisis message ("even geduld", an apology) would arrive before this reply.
    rasa.down = False
    await fake_api.send_text(CHAT, "dank je")
    texts = await fake_api.wait_for_texts(CHAT, 2, timeout=15)
    assert "1813" in texts[0] and "112" in texts[0]
    assert texts[1:] == ["Je zei: dank je"]


async def test_rasa_back_within_patience_answers_the_same_message(tg_settings, fake_api, rasa):
    rasa.down = True
    async with running_frontend(tg_settings, rasa.client(), options=fast_options(rasa_patience=20), retry_delay=0.3):
        await fake_api.send_text(CHAT, "ben je daar?")
        await fake_api.wait_for_texts(CHAT, 1)
        rasa.down = False
        texts = await fake_api.wait_for_texts(CHAT, 2, timeout=15)
    assert texts == [h.PLEASE_WAIT, "Je zei: ben je daar?"]


async def test_one_chat_in_order_and_a_flood_does_not_starve_others(tg_settings, fake_api, rasa):
    rasa.delay = 0.2
    async with running_frontend(tg_settings, rasa.client(), options=fast_options(chat_queue=3)):
        for i in range(10):
            await fake_api.send_text(CHAT, f"flood {i}")
        await fake_api.send_text(2002, "ik ook")
        other = await fake_api.wait_for_texts(2002, 1, timeout=10)
        await fake_api.wait_for(lambda: len(fake_api.sent_texts(CHAT)) >= 4, 10)
        # The gate refuses on arrival; a message sent after the flood is answered after all of it.
        await fake_api.wait_for(lambda: "Je zei: flood 2" in fake_api.sent_texts(CHAT), 10)
        await fake_api.send_text(CHAT, "klaar")
        await fake_api.wait_for(lambda: "Je zei: klaar" in fake_api.sent_texts(CHAT), 10)
    flood_texts = fake_api.sent_texts(CHAT)[:-1]
    assert other == ["Je zei: ik ook"]
    answered = [t for t in flood_texts if t.startswith("Je zei")]
    assert answered == [f"Je zei: flood {i}" for i in range(3)]  # the first three, in order
    assert flood_texts.count(h.SLOW_DOWN) == 1  # warned once, not seven times
    # Chat 2002 did not wait behind the flood.
    first_other = fake_api.calls_of("sendMessage", 2002)[0].at
    last_flood = fake_api.calls_of("sendMessage", CHAT)[-2].at  # [-1] answers "klaar"
    assert first_other < last_flood


async def test_chats_are_handled_concurrently(tg_settings, fake_api, rasa):
    rasa.delay = 0.5
    async with running_frontend(tg_settings, rasa.client()):
        for chat in range(10):
            await fake_api.send_text(3000 + chat, "hallo")
        await fake_api.wait_for(lambda: all(fake_api.sent_texts(3000 + c) for c in range(10)), 4)
    assert rasa.max_concurrent >= 5


async def test_logs_hold_no_chat_ids_or_texts(frontend, fake_api, rasa, caplog):
    caplog.set_level(logging.DEBUG)
    rasa.down = True
    await fake_api.send_text(424242, "mijn geheime vraag")
    await fake_api.wait_for_texts(424242, 2, timeout=15)
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith(("telegram", "httpx", "httpcore")))
    assert "424242" not in logged and "geheime" not in logged
    assert "telegram-" in logged  # the pseudonymous id is what identifies the chat
