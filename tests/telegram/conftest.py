"""Fixtures for the Telegram front end: the fake Bot API, a scripted Rasa, a running front end."""
from __future__ import annotations

import dataclasses

import pytest

from tests.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.frontend_support import ScriptedRasa, running_frontend


@pytest.fixture
async def fake_api():
    api = await FakeBotApi().start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
def intake_url(tmp_path) -> str:
    from intake import db as intake_db

    url = f"sqlite:///{tmp_path / 'intake.db'}"
    intake_db.upgrade(url)
    return url


@pytest.fixture
def tg_settings(settings, fake_api, intake_url):
    return dataclasses.replace(
        settings, telegram_bot_token=TOKEN, telegram_api_base_url=fake_api.base_url, database_url=intake_url
    )


@pytest.fixture
def rasa():
    return ScriptedRasa()


@pytest.fixture
async def frontend(tg_settings, rasa):
    async with running_frontend(tg_settings, rasa.client(), retry_delay=0.2) as application:
        yield application
