"""Bad input through the fake Bot API and the real front end, with a scripted Rasa (fast).

Injected intents, Unicode tricks, very long messages, forged button presses and every kind of
non-text update: each gets a clear Dutch answer, and nothing typed ever reaches Rasa as an
intent.
"""
from __future__ import annotations

import itertools
import time

import pytest

from bot import telegram_handlers as h
from tests.telegram.fake_bot_api import NON_TEXT_CONTENT

CHAT = 5005
_chats = itertools.count(6000)


def typed(text: str) -> dict:
    """A message as a client sends it without marking a command (no bot_command entity)."""
    return {"text": text}


# ---------------------------------------------------------------- injected intents

@pytest.mark.parametrize("text, plain", [
    ('/inform{"name": "Jan"}', 'inform{"name": "Jan"}'),
    ('/ inform{"name": "Jan"}', 'inform{"name": "Jan"}'),
    ("\u00a0/affirm", "affirm"),  # a non-breaking space, which Rasa strips itself
    ("\u2003/affirm", "affirm"),  # em space
    ("\u3000/affirm", "affirm"),  # ideographic space
    ("\u200b/affirm", "affirm"),  # zero-width space
    ("\u200d\u200c/affirm", "affirm"),  # zero-width joiner and non-joiner
    ("\ufeff/affirm", "affirm"),  # byte order mark
    ("\u202e/affirm", "affirm"),  # right-to-left override
    ("\u2066/affirm\u2069", "affirm"),  # bidi isolate
    ("\u2028/affirm", "affirm"),  # line separator
    ("\uff0faffirm", "affirm"),  # full-width solidus: "/" after NFKC
    ("//affirm", "affirm"),
    ("/ / /affirm", "affirm"),
    ('/choose_slot{"slot_id": 999}', 'choose_slot{"slot_id": 999}'),
    ("\t\n /book_intake", "book_intake"),
    ("V\u200bO\u200bP?", "VOP?"),  # zero-width inside a word
    ("wat is de \u202eVOP", "wat is de VOP"),
])
async def test_typed_text_never_reaches_rasa_as_an_intent(frontend, fake_api, rasa, text, plain):
    chat = next(_chats)
    await fake_api.send_content(chat, **typed(text))
    assert await fake_api.wait_for_texts(chat, 1, timeout=5) == [f"Je zei: {plain}"]
    assert [t for _, t in rasa.received] == [plain]
    assert not rasa.received[0][1].strip().startswith("/")


@pytest.mark.parametrize("text", ["/", "///", "\u200b", "\u200b\u200b/", " / / ", "\u202e\u202c", "\x00\x01"])
async def test_a_message_with_nothing_left_gets_a_kind_reply(frontend, fake_api, rasa, text):
    chat = next(_chats)
    await fake_api.send_content(chat, **typed(text))
    assert await fake_api.wait_for_texts(chat, 1, timeout=5) == [h.EMPTY_MESSAGE]
    assert rasa.received == []


async def test_a_typed_command_with_entities_is_never_sent_to_rasa(frontend, fake_api, rasa):
    await fake_api.send_text(CHAT, '/inform{"ziekenfonds":"x"}')  # marked as a command by Telegram
    assert await fake_api.wait_for_texts(CHAT, 1, timeout=5) == [h.UNKNOWN_COMMAND]
    assert rasa.received == []


@pytest.mark.parametrize("text", ["👍", "🙂🙂🙂", "مرحبا، كيف حالك؟", "Привет", "你好", "<b>vet</b>",
                                  "'; DROP TABLE intakes; --", "<script>alert(1)</script>"])
async def test_emoji_other_scripts_and_markup_reach_rasa_as_they_are(frontend, fake_api, rasa, text):
    chat = next(_chats)
    await fake_api.send_content(chat, **typed(text))
    assert await fake_api.wait_for_texts(chat, 1, timeout=5) == [f"Je zei: {text}"]
    assert [t for _, t in rasa.received] == [text]


async def test_a_message_over_5000_characters_is_kindly_refused(frontend, fake_api, rasa):
    await fake_api.send_content(CHAT, **typed("Ik heb een lange vraag. " * 230))  # 5 520 characters
    assert await fake_api.wait_for_texts(CHAT, 1, timeout=5) == [h.TOO_LONG]
    assert rasa.received == []


async def test_a_long_message_with_a_crisis_gets_the_crisis_lines(frontend, fake_api, rasa):
    text = "Het gaat al maanden slecht met mijn rug en mijn werk. " * 100 + "Ik wil er niet meer zijn."
    await fake_api.send_content(CHAT, **typed(text))
    (reply,) = await fake_api.wait_for_texts(CHAT, 1, timeout=5)
    assert "1813" in reply and "112" in reply
    assert rasa.received == []


# ---------------------------------------------------------------- buttons

async def _question(fake_api, rasa, chat: int):
    rasa.reply = lambda sender, text: (
        [{"text": "Kies een moment", "buttons": [{"title": "Maandag 10u", "payload": '/choose_slot{"slot_id": 7}'},
                                                 {"title": "Nee", "payload": "/deny"}]}]
        if text == "kies" else [{"text": f"Je zei: {text}"}])
    await fake_api.send_text(chat, "kies")
    await fake_api.wait_for_texts(chat, 1, timeout=5)
    return fake_api.bot_messages(chat)[-1]


@pytest.mark.parametrize("data", [
    '/choose_slot{"slot_id": 8}',  # a slot that was never offered
    '/inform{"name": "Jan"}',
    "/delete_my_data",
    "~k:AAAAAAAAAAAAAAAAAAAA",
    "x" * 64,
])
async def test_forged_callback_data_is_refused_and_the_real_buttons_still_work(frontend, fake_api, rasa, data):
    question = await _question(fake_api, rasa, CHAT)
    await fake_api.press_button(CHAT, question.message_id, data)
    await fake_api.wait_for(lambda: fake_api.calls_of("answerCallbackQuery"), 5)
    assert fake_api.calls_of("answerCallbackQuery")[-1].params.get("text") == h.BUTTON_EXPIRED
    assert question.reply_markup is not None  # the real keyboard is left alone
    assert [t for _, t in rasa.received] == ["kies"]

    await fake_api.press_button(CHAT, question.message_id, '/choose_slot{"slot_id": 7}')
    await fake_api.wait_for_texts(CHAT, 2, timeout=5)
    assert [t for _, t in rasa.received] == ["kies", '/choose_slot{"slot_id": 7}']


async def test_a_press_on_a_message_without_that_keyboard_is_refused(frontend, fake_api, rasa):
    await _question(fake_api, rasa, CHAT)
    plain = await fake_api.send_text(CHAT, "gewone tekst")  # the user's own message, no keyboard
    await fake_api.wait_for_texts(CHAT, 2, timeout=5)
    await fake_api.press_button(CHAT, plain["message_id"], "/deny")
    await fake_api.wait_for(lambda: fake_api.calls_of("answerCallbackQuery"), 5)
    assert fake_api.calls_of("answerCallbackQuery")[-1].params.get("text") == h.BUTTON_EXPIRED
    assert [t for _, t in rasa.received] == ["kies", "gewone tekst"]


async def test_a_press_by_another_user_on_someone_elses_message_is_refused(frontend, fake_api, rasa):
    question = await _question(fake_api, rasa, CHAT)
    await fake_api.push({"callback_query": {
        "id": "forged-1", "from": fake_api._user(7777), "chat_instance": "ci-x",
        "data": "/deny", "message": fake_api._message_json(question)}})
    await fake_api.wait_for(lambda: fake_api.calls_of("answerCallbackQuery"), 5)
    assert fake_api.calls_of("answerCallbackQuery")[-1].params.get("text") == h.BUTTON_EXPIRED
    assert [t for _, t in rasa.received] == ["kies"]


async def test_a_press_is_answered_at_once_and_keeps_its_place_behind_a_slow_message(frontend, fake_api, rasa):
    question = await _question(fake_api, rasa, CHAT)
    rasa.delay = 1.0
    await fake_api.send_text(CHAT, "eerst dit")
    await fake_api.wait_for(lambda: rasa.concurrent == 1, 5, "Rasa busy with the first message")
    await fake_api.press_button(CHAT, question.message_id, "/deny")
    await fake_api.send_text(CHAT, "en dan dit")
    await fake_api.wait_for_texts(CHAT, 4, timeout=10)
    answered = fake_api.calls_of("answerCallbackQuery")[0].at
    first_reply = next(c.at for c in fake_api.calls_of("sendMessage", CHAT) if c.params["text"] == "Je zei: eerst dit")
    assert answered < first_reply  # Telegram's spinner stopped while Rasa was still busy
    assert [t for _, t in rasa.received] == ["kies", "eerst dit", "/deny", "en dan dit"]


# ---------------------------------------------------------------- every update answered

@pytest.mark.parametrize("kind", sorted(NON_TEXT_CONTENT))
async def test_every_kind_of_non_text_message_gets_the_text_only_answer(frontend, fake_api, rasa, kind):
    chat = next(_chats)
    await fake_api.send_content(chat, **NON_TEXT_CONTENT[kind])
    assert await fake_api.wait_for_texts(chat, 1, timeout=5) == [h.TEXT_ONLY]
    assert rasa.received == []


async def test_in_the_middle_of_a_form_every_non_text_message_is_answered(frontend, fake_api, rasa):
    """The reported bug: a voice message right after a sticker, while the form asked a name."""
    rasa.reply = lambda sender, text: [{"text": "Hoe heet je?"}]
    await fake_api.send_text(CHAT, "ik wil een afspraak")
    await fake_api.wait_for_texts(CHAT, 1, timeout=5)
    for kind in NON_TEXT_CONTENT:
        await fake_api.send_content(CHAT, **NON_TEXT_CONTENT[kind])
    texts = await fake_api.wait_for_texts(CHAT, 1 + len(NON_TEXT_CONTENT), timeout=10)
    assert texts[1:] == [h.TEXT_ONLY] * len(NON_TEXT_CONTENT)
    assert [t for _, t in rasa.received] == ["ik wil een afspraak"]


async def test_forwarded_and_reply_messages_are_read_as_text(frontend, fake_api, rasa):
    await fake_api.send_content(CHAT, text="wat is de VOP?", forward_origin={
        "type": "hidden_user", "sender_user_name": "Iemand", "date": int(time.time())})
    await fake_api.wait_for_texts(CHAT, 1, timeout=5)
    earlier = fake_api.bot_messages(CHAT)[-1]
    await fake_api.send_content(CHAT, text="en voor een zelfstandige?",
                                reply_to_message=fake_api._message_json(earlier))
    assert await fake_api.wait_for_texts(CHAT, 2, timeout=5) == [
        "Je zei: wat is de VOP?", "Je zei: en voor een zelfstandige?"]


async def test_an_edited_caption_gets_the_edited_answer(frontend, fake_api, rasa):
    sent = await fake_api.send_content(CHAT, **NON_TEXT_CONTENT["photo with caption"])
    await fake_api.wait_for_texts(CHAT, 1, timeout=5)
    await fake_api.push({"edited_message": {**sent, "caption": "andere tekst", "edit_date": int(time.time())}})
    assert await fake_api.wait_for_texts(CHAT, 2, timeout=5) == [h.TEXT_ONLY, h.EDITED]


async def test_a_service_message_gets_no_answer(frontend, fake_api, rasa):
    await fake_api.send_content(CHAT, message_auto_delete_timer_changed={"message_auto_delete_time": 86400})
    await fake_api.send_text(CHAT, "hallo")
    await fake_api.wait_for_texts(CHAT, 1, timeout=5)
    assert fake_api.sent_texts(CHAT) == ["Je zei: hallo"]


# ---------------------------------------------------------------- servers down

async def test_action_server_down_says_briefly_unavailable_and_does_not_resend(frontend, fake_api, rasa):
    rasa.reply = lambda sender, text: []  # what Rasa answers when its action call failed
    rasa.actions_down = True
    await fake_api.send_text(CHAT, "wat is de VOP?")
    assert await fake_api.wait_for_texts(CHAT, 1, timeout=5) == [h.UNAVAILABLE]
    assert len(rasa.received) == 1
    rasa.actions_down = False
    await fake_api.send_text(CHAT, "hallo")
    assert (await fake_api.wait_for_texts(CHAT, 2, timeout=5))[-1] == h.NO_ANSWER
    assert "anders te vragen" not in h.UNAVAILABLE
