"""Coordinators: registration, weekly schedules, slot generation, and their own intakes.

Coordinator-facing functions take the Telegram chat id the command came from and only ever
show or change intakes of the coordinator behind that chat id; someone else's intake looks
exactly like a missing one (IntakeNotFound), so ids cannot be probed.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import rowcount
from .errors import CoordinatorNotFound, IntakeNotChangeable, IntakeNotFound, ValidationError
from .models import (
    BOOKED,
    DONE,
    NO_SHOW,
    Coordinator,
    CoordinatorArea,
    Intake,
    Slot,
    WeeklySchedule,
)
from .mutualiteiten import MUTUALITEITEN, normalize_mutualiteit
from .regions import expand_area
from .timeutil import (
    WEEKDAYS_NL,
    WEEKDAYS_SHORT_NL,
    ensure_aware,
    format_when,
    local_day_bounds,
    local_wall_time,
    to_local,
    utcnow,
)
from .validation import as_id, clean_name, normalize_email, normalize_phone
from .views import IntakeView

DEFAULT_SLOT_MINUTES = 45


# ---------------------------------------------------------------- registration


def _chat_id(value: int | str | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError("telegram_chat_id", f"Telegram chat id must be a number, got {value!r}") from None


def _private_chat_id(value: int | str | None) -> int | None:
    """A coordinator's own Telegram chat: private chats have positive ids, groups negative ones.

    Participants' details go to this chat, so a group (everyone in it would read them) is refused.
    """
    chat_id = _chat_id(value)
    if chat_id is not None and chat_id <= 0:
        raise ValidationError(
            "telegram_chat_id",
            f"Telegram chat id {chat_id} is a group or channel; use the coordinator's private chat "
            "(a positive id) so no one else reads participants' details.")
    return chat_id


def add_coordinator(
    session: Session,
    *,
    name: str,
    mutualiteit: str,
    provinces: Iterable[str],
    telegram_chat_id: int | str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Coordinator:
    """Register a coordinator. `provinces` takes province or region names ("vlaanderen"). Commits."""
    mut = normalize_mutualiteit(mutualiteit)
    if mut is None:
        raise ValidationError("mutualiteit", f"Unknown mutualiteit {mutualiteit!r}; use one of: "
                              + ", ".join(MUTUALITEITEN))
    codes: list[str] = []
    for raw in provinces:
        try:
            for code in expand_area(raw):
                if code not in codes:
                    codes.append(code)
        except ValueError as exc:
            raise ValidationError("province", str(exc)) from None
    if not codes:
        raise ValidationError("province", "A coordinator serves at least one province.")
    chat_id = _private_chat_id(telegram_chat_id)
    if chat_id is not None and session.scalar(
        sa.select(Coordinator.id).where(Coordinator.telegram_chat_id == chat_id)
    ):
        raise ValidationError("telegram_chat_id", f"Telegram chat id {chat_id} is already registered.")
    coordinator = Coordinator(
        name=clean_name(name),
        mutualiteit=mut,
        telegram_chat_id=chat_id,
        phone=normalize_phone(phone) if phone else None,
        email=normalize_email(email) if email else None,
        active=True,
        areas=[CoordinatorArea(province=code) for code in codes],
    )
    session.add(coordinator)
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return coordinator


def list_coordinators(session: Session, *, include_inactive: bool = True) -> list[Coordinator]:
    query = sa.select(Coordinator).order_by(Coordinator.id)
    if not include_inactive:
        query = query.where(Coordinator.active.is_(True))
    return list(session.scalars(query).all())


def get_coordinator(session: Session, coordinator_id: int) -> Coordinator:
    coordinator = session.get(Coordinator, coordinator_id)
    if coordinator is None:
        raise CoordinatorNotFound(f"No coordinator with id {coordinator_id}.")
    return coordinator


def deactivate_coordinator(session: Session, coordinator_id: int) -> int:
    """Stop offering this coordinator's slots; returns how many booked intakes still lie ahead.

    Booked intakes are kept (someone has to follow them up); notifications still wait in the
    outbox but are not delivered to an inactive coordinator.
    """
    coordinator = get_coordinator(session, coordinator_id)
    coordinator.active = False
    session.commit()
    return session.scalar(
        sa.select(sa.func.count()).select_from(Intake).join(Slot, Slot.id == Intake.slot_id)
        .where(Slot.coordinator_id == coordinator_id, Intake.status == BOOKED,
               Slot.starts_at > utcnow())
    ) or 0


def set_telegram_chat_id(session: Session, coordinator_id: int, chat_id: int | str | None) -> Coordinator:
    coordinator = get_coordinator(session, coordinator_id)
    coordinator.telegram_chat_id = _private_chat_id(chat_id)
    try:
        if coordinator.telegram_chat_id is not None:
            # A new chat: messages held back because the old one blocked the bot may go again.
            from .outbox import unblock_coordinator

            unblock_coordinator(session, coordinator.id)
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ValidationError("telegram_chat_id", f"Telegram chat id {chat_id} is already registered.") from None
    return coordinator


def is_coordinator(session: Session, chat_id: int | str | None) -> bool:
    """True if an active coordinator is registered with this Telegram chat id."""
    try:
        value = _chat_id(chat_id)
    except ValidationError:
        return False
    if value is None:
        return False
    return session.scalar(
        sa.select(Coordinator.id).where(Coordinator.telegram_chat_id == value,
                                        Coordinator.active.is_(True))
    ) is not None


def coordinator_for_chat(session: Session, chat_id: int | str) -> Coordinator:
    value = _chat_id(chat_id)
    coordinator = session.scalar(
        sa.select(Coordinator).where(Coordinator.telegram_chat_id == value,
                                     Coordinator.active.is_(True))
    )
    if coordinator is None:
        raise CoordinatorNotFound()
    return coordinator


# ---------------------------------------------------------------- schedules and slots

_WEEKDAY_NAMES = {name: i for i, name in enumerate(WEEKDAYS_NL)}
_WEEKDAY_NAMES.update({name: i for i, name in enumerate(WEEKDAYS_SHORT_NL)})
_WEEKDAY_NAMES.update({name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))})
_WEEKDAY_NAMES.update({name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))})


def parse_weekday(value: int | str) -> int:
    """0–6 (Monday = 0) from a number or a Dutch/English day name ("di", "dinsdag", "tue")."""
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        day = int(value)
        if 0 <= day <= 6:
            return day
    elif isinstance(value, str) and value.strip().lower() in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[value.strip().lower()]
    raise ValidationError("weekday", f"Unknown weekday {value!r}")


def parse_time(value: time | str) -> time:
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).strip().replace("u", ":").replace(".", ":").split(":")
        return time(int(hours), int(minutes or 0))
    except (ValueError, TypeError):
        raise ValidationError("time", f"Time must look like 09:30, got {value!r}") from None


def add_schedule(
    session: Session,
    coordinator_id: int,
    *,
    weekday: int | str,
    start: time | str,
    end: time | str,
    slot_minutes: int = DEFAULT_SLOT_MINUTES,
) -> WeeklySchedule:
    """Add a weekly block of availability (local Brussels wall-clock times). Commits."""
    get_coordinator(session, coordinator_id)
    day, start_t, end_t = parse_weekday(weekday), parse_time(start), parse_time(end)
    if end_t <= start_t:
        raise ValidationError("time", "The end time must be after the start time.")
    if not 5 <= int(slot_minutes) <= 480:
        raise ValidationError("slot_minutes", "Slot length must be between 5 and 480 minutes.")
    schedule = WeeklySchedule(coordinator_id=coordinator_id, weekday=day, start_time=start_t,
                              end_time=end_t, slot_minutes=int(slot_minutes))
    session.add(schedule)
    session.commit()
    return schedule


def clear_schedule(session: Session, coordinator_id: int) -> int:
    result = session.execute(sa.delete(WeeklySchedule).where(WeeklySchedule.coordinator_id == coordinator_id))
    session.commit()
    return rowcount(result) or 0


def _slot_times(schedule: WeeklySchedule, day: date) -> list[tuple[datetime, datetime]]:
    """Slots of one schedule on one local day, in UTC; skips times that do not exist (DST)."""
    out = []
    length = timedelta(minutes=schedule.slot_minutes)
    cursor = datetime.combine(day, schedule.start_time)
    last_start = datetime.combine(day, schedule.end_time) - length
    while cursor <= last_start:
        start = local_wall_time(day, cursor.time())
        if start is not None:
            out.append((start, start + length))
        cursor += length
    return out


def generate_slots(
    session: Session,
    *,
    weeks: int = 2,
    now: datetime | None = None,
    coordinator_ids: Iterable[int] | None = None,
) -> int:
    """Create slots from the weekly schedules of active coordinators, from today for `weeks`.

    Times are Brussels wall-clock times, so a 09:00 slot stays at 09:00 local across the
    switch to or from summer time (07:00 or 08:00 UTC). Idempotent: existing slots are kept,
    past slots are not created. Returns the number of new slots. Commits.
    """
    now = ensure_aware(now) if now else utcnow()
    if weeks < 1 or weeks > 26:
        raise ValidationError("weeks", "weeks must be between 1 and 26")
    query = (
        sa.select(WeeklySchedule)
        .join(Coordinator, Coordinator.id == WeeklySchedule.coordinator_id)
        .where(Coordinator.active.is_(True))
    )
    if coordinator_ids is not None:
        query = query.where(WeeklySchedule.coordinator_id.in_(list(coordinator_ids)))
    schedules = session.scalars(query).all()
    if not schedules:
        return 0
    today = to_local(now).date()
    days = [today + timedelta(days=i) for i in range(7 * weeks)]
    range_start, _ = local_day_bounds(days[0])
    _, range_end = local_day_bounds(days[-1])
    existing = set(
        session.execute(
            sa.select(Slot.coordinator_id, Slot.starts_at).where(
                Slot.starts_at >= range_start, Slot.starts_at < range_end
            )
        ).tuples()
    )
    created = 0
    try:
        for schedule in schedules:
            for day in days:
                if day.weekday() != schedule.weekday:
                    continue
                for start, end in _slot_times(schedule, day):
                    key = (schedule.coordinator_id, start)
                    if start <= now or key in existing:
                        continue
                    existing.add(key)
                    session.add(Slot(coordinator_id=schedule.coordinator_id, starts_at=start,
                                     ends_at=end, created_at=now))
                    created += 1
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return created


# ---------------------------------------------------------------- a coordinator's intakes


def coordinator_intakes(
    session: Session,
    chat_id: int | str,
    *,
    now: datetime | None = None,
    scope: str = "upcoming",
    days: int = 14,
) -> list[IntakeView]:
    """Booked intakes of the coordinator behind `chat_id`, earliest first.

    scope="today": today's (Brussels calendar day, including ones already past this morning);
    scope="upcoming": from the start of today up to `days` days ahead.
    """
    now = ensure_aware(now) if now else utcnow()
    coordinator = coordinator_for_chat(session, chat_id)
    today = to_local(now).date()
    start, end = local_day_bounds(today)
    if scope == "upcoming":
        _, end = local_day_bounds(today + timedelta(days=days))
    elif scope != "today":
        raise ValueError(f"unknown scope {scope!r}")
    intakes = session.scalars(
        sa.select(Intake).join(Slot, Slot.id == Intake.slot_id)
        .where(Slot.coordinator_id == coordinator.id, Intake.status == BOOKED,
               Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at)
    ).all()
    return [IntakeView.from_intake(i) for i in intakes]


def _own_intake(session: Session, chat_id: int | str, intake_id: int | str) -> Intake:
    intake_id = as_id(intake_id, "intake_id")
    coordinator = coordinator_for_chat(session, chat_id)
    intake = session.scalar(
        sa.select(Intake).join(Slot, Slot.id == Intake.slot_id)
        .where(Intake.id == intake_id, Slot.coordinator_id == coordinator.id)
    )
    if intake is None:
        raise IntakeNotFound()
    return intake


def get_intake_for_coordinator(session: Session, chat_id: int | str, intake_id: int) -> IntakeView:
    """One intake, only if it belongs to the coordinator behind `chat_id` (else IntakeNotFound)."""
    return IntakeView.from_intake(_own_intake(session, chat_id, intake_id))


def mark_intake(session: Session, chat_id: int | str, intake_id: int, status: str,
                now: datetime | None = None) -> IntakeView:
    """Mark the coordinator's own intake `done` or `no_show` (also to correct one). Commits.

    Refused before the intake's start time: it cannot have taken place yet.
    """
    if status not in (DONE, NO_SHOW):
        raise ValidationError("status", "Kies 'afgerond' of 'niet opgedaagd'.")
    now = ensure_aware(now) if now else utcnow()
    try:
        intake = _own_intake(session, chat_id, intake_id)
        if intake.status not in (BOOKED, DONE, NO_SHOW):
            raise IntakeNotChangeable("Die intake is geannuleerd.")
        if intake.slot.starts_at > now:
            raise IntakeNotChangeable(
                f"Intake #{intake.id} begint pas op {format_when(intake.slot.starts_at)}. "
                "Je kan ze pas daarna afronden.")
        intake.status = status
        intake.updated_at = now
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return IntakeView.from_intake(intake)


def coordinator_gaps(session: Session, chat_id: int | str, *, now: datetime | None = None,
                     days: int = 7, limit: int = 50) -> list:
    """Unanswered questions this coordinator may see: those of conversations that booked with
    their own ziekenfonds, and the anonymous ones with nothing personal in them."""
    from .gaps import unanswered_questions

    coordinator = coordinator_for_chat(session, chat_id)
    return unanswered_questions(session, now=now, days=days, limit=limit,
                                mutualiteit=coordinator.mutualiteit)
