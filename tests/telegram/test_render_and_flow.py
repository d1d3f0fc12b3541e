"""Splitting, keyboards, callback data and flood control, without Telegram or Rasa."""
from __future__ import annotations

import asyncio

import pytest

from bot.rasa_client import BotMessage, Button
from bot.telegram_app import api_urls
from bot.telegram_flow import ChatBusy, ChatGate
from bot.telegram_render import (
    MAX_CALLBACK_DATA,
    MAX_MESSAGE_LENGTH,
    CallbackStore,
    build_keyboard,
    button_title,
    chosen_text,
    render_message,
    split_text,
    tg_len,
)


def test_short_text_is_one_message():
    assert split_text("Hallo!") == ["Hallo!"]
    assert split_text("  \n\n ") == []


def test_long_text_splits_at_paragraphs_and_keeps_every_word():
    paragraphs = [f"Alinea {i}: " + "woord " * 150 for i in range(20)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(tg_len(c) <= MAX_MESSAGE_LENGTH for c in chunks)
    # Every chunk starts with a paragraph: no paragraph is cut in two.
    assert all(c.startswith("Alinea") for c in chunks)
    assert "\n\n".join(chunks).split() == text.split()


def test_one_huge_paragraph_splits_at_lines_then_sentences_then_words():
    sentence = "Dit is een zin over de VOP. "
    text = sentence * 400  # ~11 000 characters, no blank lines
    chunks = split_text(text)
    assert all(tg_len(c) <= MAX_MESSAGE_LENGTH for c in chunks)
    assert all(c.endswith(".") for c in chunks[:-1])
    assert " ".join(chunks).split() == text.split()


def test_a_word_longer_than_the_limit_is_cut_hard():
    text = "x" * 10_000
    chunks = split_text(text)
    assert "".join(chunks) == text
    assert all(len(c) <= MAX_MESSAGE_LENGTH for c in chunks)


def test_emoji_count_double_like_telegram_does():
    text = "😀" * 3000  # 6000 UTF-16 code units
    chunks = split_text(text)
    assert len(chunks) == 2 and "".join(chunks) == text
    assert all(tg_len(c) <= MAX_MESSAGE_LENGTH for c in chunks)


def test_short_payloads_are_callback_data_as_they_are():
    store = CallbackStore()
    assert store.data_for('/ask_measure{"measure": "btom"}') == '/ask_measure{"measure": "btom"}'
    assert store.payload_for('/ask_measure{"measure": "btom"}') == '/ask_measure{"measure": "btom"}'


def test_long_payloads_get_a_short_stable_key():
    store = CallbackStore()
    payload = '/inform{"topic": "' + "heel lang onderwerp " * 10 + '"}'
    key = store.data_for(payload)
    assert len(key.encode()) <= MAX_CALLBACK_DATA
    assert store.data_for(payload) == key
    assert store.payload_for(key) == payload
    assert CallbackStore().payload_for(key) is None  # e.g. after a restart: unknown, not wrong


def test_payload_that_looks_like_a_key_is_mapped_too():
    store = CallbackStore()
    tricky = CallbackStore.PREFIX + "abc"
    key = store.data_for(tricky)
    assert key != tricky and store.payload_for(key) == tricky


def test_callback_store_is_bounded():
    store = CallbackStore(capacity=3)
    keys = [store.data_for("/x" + "y" * 70 + str(i)) for i in range(5)]
    assert store.payload_for(keys[0]) is None
    assert store.payload_for(keys[-1]).endswith("4")


def test_keyboard_has_one_button_per_row_with_valid_data():
    store = CallbackStore()
    buttons = (Button("Ja", "/affirm"), Button("Lange keuze", "/x" + "z" * 100))
    markup = build_keyboard(buttons, store)
    rows = markup.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Ja"], ["Lange keuze"]]
    assert all(len(row[0].callback_data.encode()) <= 64 for row in rows)
    assert button_title(markup, rows[1][0].callback_data) == "Lange keuze"
    assert build_keyboard((), store) is None


def test_buttons_go_with_the_last_chunk_and_need_a_text():
    store = CallbackStore()
    long = BotMessage(text="a\n\n".join(["b" * 3000] * 3), buttons=(Button("Ja", "/affirm"),))
    rendered = render_message(long, store)
    assert len(rendered) >= 2
    assert all(markup is None for _, markup in rendered[:-1]) and rendered[-1][1] is not None
    only_buttons = render_message(BotMessage(buttons=(Button("Ja", "/affirm"),)), store)
    assert only_buttons[0][0] and only_buttons[0][1] is not None


def test_chosen_text_marks_the_choice_unless_too_long():
    assert chosen_text("Wil je een afspraak?", "Ja") == "Wil je een afspraak?\n\n✓ Ja"
    assert chosen_text("x" * 4095, "Ja") is None


def test_api_urls():
    assert api_urls("http://127.0.0.1:8081/bot") == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert api_urls("http://127.0.0.1:8081/") == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")


async def test_gate_serialises_one_chat_and_keeps_order():
    gate = ChatGate(max_queued=10)
    seen: list[int] = []
    running = 0
    overlap = False

    async def handle(i: int) -> None:
        nonlocal running, overlap
        async with gate.turn(1):
            running += 1
            overlap = overlap or running > 1
            await asyncio.sleep(0.01 * (5 - i % 5))
            seen.append(i)
            running -= 1

    await asyncio.gather(*(handle(i) for i in range(8)))
    assert seen == list(range(8)) and not overlap
    assert len(gate) == 0  # idle chats are forgotten


async def test_gate_runs_different_chats_concurrently():
    gate = ChatGate()
    started = asyncio.Event()

    async def slow() -> None:
        async with gate.turn(1):
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow())
    await started.wait()
    async with gate.turn(2):  # not blocked by chat 1
        pass
    task.cancel()


async def test_gate_caps_a_flooding_chat_and_warns_once():
    gate = ChatGate(max_queued=2)
    release = asyncio.Event()

    async def hold() -> None:
        async with gate.turn(1):
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(2)]
    await asyncio.sleep(0)
    firsts = []
    for _ in range(3):
        with pytest.raises(ChatBusy) as info:
            async with gate.turn(1):
                pass
        firsts.append(info.value.first)
    assert firsts == [True, False, False]
    async with gate.turn(2):  # another chat still gets its turn
        pass
    release.set()
    await asyncio.gather(*holders)
    async with gate.turn(1):  # after the burst the chat is welcome again
        pass


def test_a_press_resolves_only_to_a_button_of_that_message():
    store = CallbackStore()
    long_payload = "/x" + "z" * 100
    markup = build_keyboard((Button("Ja", '/choose_slot{"slot_id": 7}'), Button("Lang", long_payload)), store)
    long_data = markup.inline_keyboard[1][0].callback_data
    assert store.resolve('/choose_slot{"slot_id": 7}', markup) == '/choose_slot{"slot_id": 7}'
    assert store.resolve(long_data, markup) == long_payload
    assert store.resolve('/choose_slot{"slot_id": 8}', markup) is None  # never offered
    assert store.resolve('/choose_slot{"slot_id": 7}', None) is None  # a message without keyboard
    assert store.resolve("", markup) is None and store.resolve(None, markup) is None
    assert CallbackStore().resolve(long_data, markup) is None  # after a restart


async def test_gate_before_waiting_runs_at_once_and_keeps_the_place():
    gate = ChatGate(max_queued=10)
    order: list[str] = []
    release = asyncio.Event()
    answered = asyncio.Event()

    async def first() -> None:
        async with gate.turn(1):
            order.append("first")
            await release.wait()

    async def press() -> None:
        async def answer() -> None:
            await asyncio.sleep(0.05)  # a slow answerCallbackQuery: a later message must not overtake
            answered.set()

        async with gate.turn(1, before_waiting=answer):
            order.append("press")

    async def later() -> None:
        async with gate.turn(1):
            order.append("later")

    tasks = [asyncio.create_task(first()), asyncio.create_task(press()), asyncio.create_task(later())]
    await asyncio.wait_for(answered.wait(), 2)  # answered while "first" still holds the chat
    assert order == ["first"]
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 2)
    assert order == ["first", "press", "later"]
    assert len(gate) == 0


async def test_gate_a_cancelled_waiter_does_not_block_the_chat():
    gate = ChatGate(max_queued=10)
    release = asyncio.Event()
    holding = asyncio.Event()

    async def hold() -> None:
        async with gate.turn(1):
            holding.set()
            await release.wait()

    async def wait_turn() -> None:
        async with gate.turn(1):
            pass

    holder = asyncio.create_task(hold())
    await holding.wait()
    waiter = asyncio.create_task(wait_turn())
    await asyncio.sleep(0)
    assert gate.queued(1) == 2
    waiter.cancel()
    release.set()
    await holder
    await asyncio.wait_for(wait_turn(), 1)  # the chat is free again
    assert len(gate) == 0
