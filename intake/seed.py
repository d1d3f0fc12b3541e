"""Demo coordinators and slots for the embedded default (obviously fictional people).

`seed_demo_data` is idempotent: run it as often as you like; it adds what is missing and
tops up slots for the coming weeks. It never runs when a Telegram bot token is set: real people
would then book with fictional coordinators, and their details would wait for nobody. Every
caller passes the token of its settings (`telegram_token`), so none can forget the check.
"""
from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .coordinators import add_coordinator, add_schedule, generate_slots
from .models import Coordinator, WeeklySchedule
from .mutualiteiten import CM, HELAN, LM, MUTUALITEITEN, SOLIDARIS, VNZ
from .timeutil import ensure_aware, utcnow

__all__ = ["DEMO_COORDINATORS", "MUTUALITEITEN", "seed_demo_data"]

log = logging.getLogger(__name__)

# name, mutualiteit, provinces, weekly blocks (weekday 0 = Monday, start, end, slot minutes)
DEMO_COORDINATORS: tuple[dict, ...] = (
    {"name": "Demo An Voorbeeld", "mutualiteit": CM,
     "provinces": ["oost-vlaanderen", "west-vlaanderen"],
     "schedule": [(0, "09:00", "12:00", 45), (2, "13:30", "16:30", 45)]},
    {"name": "Demo Bram Proefmans", "mutualiteit": VNZ,
     "provinces": ["antwerpen", "limburg"],
     "schedule": [(1, "09:00", "12:00", 45), (3, "13:00", "16:00", 45)]},
    {"name": "Demo Chloé Testaert", "mutualiteit": SOLIDARIS,
     "provinces": ["vlaams-brabant", "brussel"],
     "schedule": [(0, "13:00", "16:00", 60), (4, "09:00", "12:00", 60)]},
    {"name": "Demo Dirk Fictief", "mutualiteit": HELAN,
     "provinces": ["vlaanderen", "brussel"],
     "schedule": [(1, "10:00", "12:00", 30), (3, "09:00", "11:00", 30)]},
    {"name": "Demo Eva Denkbeeld", "mutualiteit": LM,
     "provinces": ["antwerpen", "oost-vlaanderen", "vlaams-brabant"],
     "schedule": [(2, "09:00", "12:00", 45)]},
)


def seed_demo_data(
    session: Session,
    now: datetime | None = None,
    *,
    weeks: int = 2,
    telegram_chat_ids: dict[str, int] | None = None,
    telegram_token: str | None,
) -> dict[str, int]:
    """Add the demo coordinators (if missing), their schedules and slots for `weeks` weeks.

    `telegram_chat_ids` maps a demo coordinator's name (or mutualiteit) to a chat id, so a
    tester's own Telegram account can receive that coordinator's notifications.
    Returns {"coordinators": new coordinators, "slots": new slots}; nothing is added (and
    "skipped" is 1) when a Telegram bot token is set (`telegram_token`: settings.telegram_bot_token).
    """
    if telegram_token:
        log.warning("Demo coordinators not seeded: a Telegram bot token is set")
        return {"coordinators": 0, "slots": 0, "skipped": 1}
    now = ensure_aware(now) if now else utcnow()
    chat_ids = telegram_chat_ids or {}
    created = 0
    ids: list[int] = []
    for spec in DEMO_COORDINATORS:
        coordinator = session.scalar(
            sa.select(Coordinator).where(Coordinator.name == spec["name"],
                                         Coordinator.mutualiteit == spec["mutualiteit"])
        )
        chat_id = chat_ids.get(spec["name"], chat_ids.get(spec["mutualiteit"]))
        if coordinator is None:
            coordinator = add_coordinator(
                session, name=spec["name"], mutualiteit=spec["mutualiteit"],
                provinces=spec["provinces"], telegram_chat_id=chat_id,
            )
            created += 1
        elif chat_id is not None and coordinator.telegram_chat_id != int(chat_id):
            coordinator.telegram_chat_id = int(chat_id)
            session.commit()
        has_schedule = session.scalar(
            sa.select(WeeklySchedule.id).where(WeeklySchedule.coordinator_id == coordinator.id).limit(1)
        )
        if not has_schedule:
            for weekday, start, end, minutes in spec["schedule"]:
                add_schedule(session, coordinator.id, weekday=weekday, start=start, end=end,
                             slot_minutes=minutes)
        ids.append(coordinator.id)
    slots = generate_slots(session, weeks=weeks, now=now, coordinator_ids=ids)
    return {"coordinators": created, "slots": slots}
