"""Operator commands for the intake storage, registered on the main `tnw` group:

    tnw db upgrade | status | seed-demo | purge
    tnw coordinators add | list | deactivate | schedule | set-chat-id
    tnw outbox status
    tnw slots generate | list

The `tnw` command reads the settings once and hands them down as click's context object;
these commands take the database (DATABASE_URL) and the other values they need from there.
"""
from __future__ import annotations

import functools
from datetime import timedelta

import click
import sqlalchemy as sa

from settings import Settings

from . import db as intake_db
from .errors import IntakeError
from .models import BOOKED, Coordinator, Intake, Slot, WeeklySchedule
from .timeutil import WEEKDAYS_NL, format_when_short, utcnow
from .validation import format_phone


def _settings() -> Settings:
    """The settings the `tnw` command read at its start (click's context object)."""
    settings = click.get_current_context().find_object(Settings)
    if settings is None:
        raise click.UsageError("Run this through the `tnw` command: it reads the settings.")
    return settings


def _url() -> str:
    return _settings().database_url


def _session():
    return intake_db.session_factory(_url())()


def _table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in cells]
    return "\n".join(out)


def _friendly_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except IntakeError as exc:
            raise click.ClickException(exc.message) from None
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            text = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
            if "no such table" in text or "does not exist" in text:
                raise click.ClickException(
                    "The intake tables do not exist yet: run `tnw db upgrade` first."
                ) from None
            raise click.ClickException(f"Database error: {text}") from None
    return wrapper


# ---------------------------------------------------------------- tnw db


@click.group("db")
def db_group() -> None:
    """Intake database: migrations and demo data."""


@db_group.command("upgrade")
@_friendly_errors
def db_upgrade() -> None:
    """Create or update the intake tables (Alembic upgrade head)."""
    url = _url()
    intake_db.upgrade(url)
    click.echo(f"Intake database at revision {intake_db.current_revision(url)} "
               f"({sa.make_url(url).render_as_string(hide_password=True)}).")


@db_group.command("status")
@_friendly_errors
def db_status() -> None:
    """Show the schema revision and a few counts."""
    url = _url()
    revision = intake_db.current_revision(url)
    click.echo(f"Database: {sa.make_url(url).render_as_string(hide_password=True)}")
    click.echo(f"Revision: {revision or 'none (run `tnw db upgrade`)'}")
    if revision:
        from .outbox import outbox_stats

        with _session() as session:
            counts = {
                "coordinators": session.scalar(sa.select(sa.func.count()).select_from(Coordinator)),
                "future slots": session.scalar(sa.select(sa.func.count()).select_from(Slot)
                                               .where(Slot.starts_at > utcnow())),
                "booked intakes": session.scalar(sa.select(sa.func.count()).select_from(Intake)
                                                 .where(Intake.status == BOOKED)),
            }
            counts.update({f"outbox {k}": v for k, v in outbox_stats(session).items()})
        for key, value in counts.items():
            click.echo(f"{key}: {value}")


@db_group.command("seed-demo")
@click.option("--weeks", default=2, show_default=True, type=click.IntRange(1, 26))
@click.option("--telegram-chat-id", type=int, default=None,
              help="Send the first demo coordinator's (CM) notifications to this Telegram chat.")
@_friendly_errors
def db_seed_demo(weeks: int, telegram_chat_id: int | None) -> None:
    """Add fictional demo coordinators with weekly schedules and slots (idempotent)."""
    from .mutualiteiten import CM
    from .seed import seed_demo_data

    with _session() as session:
        result = seed_demo_data(session, weeks=weeks, telegram_token=_settings().telegram_bot_token,
                                telegram_chat_ids={CM: telegram_chat_id} if telegram_chat_id else None)
    if result.get("skipped"):
        raise click.ClickException(
            "TELEGRAM_BOT_TOKEN is set: demo coordinators are never added to a product that real "
            "people can reach. Register real coordinators with `tnw coordinators add`.")
    click.echo(f"Demo data: {result['coordinators']} new coordinators, {result['slots']} new slots.")


@db_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Only report what would be removed.")
@click.option("--intakes-days", type=click.IntRange(1, 3650), default=None,
              help="Anonymise intakes this many days after their moment [TNW_KEEP_INTAKES_DAYS, 365].")
@click.option("--keep-days", "legacy_keep_days", type=click.IntRange(1, 3650), default=None, hidden=True)
@click.option("--conversations-days", type=click.IntRange(1, 3650), default=None,
              help="Delete conversation events older than this [TNW_KEEP_CONVERSATIONS_DAYS, 90].")
@click.option("--gaps-days", type=click.IntRange(1, 3650), default=None,
              help="Delete unanswered questions older than this [TNW_KEEP_GAPS_DAYS, 90].")
@click.option("--logs-days", type=click.IntRange(1, 3650), default=None,
              help="Delete log files not written for this long [TNW_KEEP_LOGS_DAYS, 30].")
@_friendly_errors
def db_purge(dry_run, intakes_days, legacy_keep_days, conversations_days, gaps_days, logs_days) -> None:
    """Storage limitation: intakes, conversations, unanswered questions and log files.

    The running product does this by itself (the retention job); this runs it now.
    """
    import dataclasses

    from .retention import RetentionPolicy, purge

    settings = _settings()
    overrides = {k: v for k, v in {
        "intakes_days": intakes_days or legacy_keep_days, "conversations_days": conversations_days,
        "gaps_days": gaps_days, "logs_days": logs_days}.items() if v is not None}
    policy = dataclasses.replace(RetentionPolicy.from_settings(settings), **overrides)
    factory = intake_db.session_factory(settings.database_url)
    try:
        report = purge(factory, tracker_store_url=settings.tracker_store_url,
                       logs_dir=settings.logs_dir, policy=policy, dry_run=dry_run)
    finally:
        factory.kw["bind"].dispose()
    click.echo(f"Periods (days): intakes {policy.intakes_days}, conversations {policy.conversations_days}, "
               f"unanswered questions {policy.gaps_days}, log files {policy.logs_days}.")
    click.echo("\n".join(report.lines()))


# ---------------------------------------------------------------- tnw coordinators


@click.group("coordinators")
def coordinators_group() -> None:
    """Terug-naar-werk-coördinatoren: register, list, deactivate, set weekly hours."""


@coordinators_group.command("add")
@click.option("--name", required=True)
@click.option("--mutualiteit", required=True, help="E.g. CM, Helan, Solidaris, 'Liberale Mutualiteit'.")
@click.option("--province", "provinces", multiple=True, required=True,
              help="Province served (repeatable); 'vlaanderen' means all five Flemish provinces.")
@click.option("--telegram-chat-id", type=int, default=None)
@click.option("--phone", default=None)
@click.option("--email", default=None)
@_friendly_errors
def coordinators_add(name, mutualiteit, provinces, telegram_chat_id, phone, email) -> None:
    """Register a coordinator."""
    from .coordinators import add_coordinator

    with _session() as session:
        c = add_coordinator(session, name=name, mutualiteit=mutualiteit, provinces=provinces,
                            telegram_chat_id=telegram_chat_id, phone=phone, email=email)
        click.echo(f"Coordinator {c.id} added: {c.name} ({c.mutualiteit}; {', '.join(c.provinces)}).")
        click.echo(f"Next: tnw coordinators schedule {c.id} --day maandag --from 09:00 --to 12:00")


@coordinators_group.command("list")
@click.option("--active-only", is_flag=True)
@_friendly_errors
def coordinators_list(active_only: bool) -> None:
    """List coordinators with their provinces, Telegram chat and weekly hours."""
    from .coordinators import list_coordinators

    with _session() as session:
        coordinators = list_coordinators(session, include_inactive=not active_only)
        if not coordinators:
            click.echo("No coordinators yet. Add one with `tnw coordinators add` or `tnw db seed-demo`.")
            return
        rows = []
        for c in coordinators:
            hours = session.scalars(sa.select(WeeklySchedule).where(WeeklySchedule.coordinator_id == c.id)
                                    .order_by(WeeklySchedule.weekday, WeeklySchedule.start_time)).all()
            rows.append([
                c.id, c.name, c.mutualiteit, ", ".join(c.provinces),
                c.telegram_chat_id or "-", (format_phone(c.phone) if c.phone else c.email) or "-",
                "yes" if c.active else "no",
                "; ".join(f"{WEEKDAYS_NL[h.weekday][:2]} {h.start_time:%H:%M}-{h.end_time:%H:%M}/{h.slot_minutes}'"
                          for h in hours) or "-",
            ])
    click.echo(_table(["ID", "Name", "Mutualiteit", "Provinces", "Telegram", "Contact", "Active", "Hours"], rows))


@coordinators_group.command("deactivate")
@click.argument("coordinator_id", type=int)
@_friendly_errors
def coordinators_deactivate(coordinator_id: int) -> None:
    """Stop offering a coordinator's slots (booked intakes are kept)."""
    from .coordinators import deactivate_coordinator

    with _session() as session:
        upcoming = deactivate_coordinator(session, coordinator_id)
    click.echo(f"Coordinator {coordinator_id} deactivated.")
    if upcoming:
        click.echo(f"Warning: {upcoming} booked intake(s) still lie ahead; arrange a follow-up.")


@coordinators_group.command("schedule")
@click.argument("coordinator_id", type=int)
@click.option("--day", "weekday", required=True, help="maandag…zondag, ma…zo, or 0–6 (0 = Monday).")
@click.option("--from", "start", required=True, help="Start time, e.g. 09:00 (Brussels time).")
@click.option("--to", "end", required=True, help="End time, e.g. 12:00.")
@click.option("--slot-minutes", default=45, show_default=True, type=int)
@click.option("--clear", is_flag=True, help="Remove the existing weekly hours first.")
@_friendly_errors
def coordinators_schedule(coordinator_id, weekday, start, end, slot_minutes, clear) -> None:
    """Add weekly hours; then run `tnw slots generate`."""
    from .coordinators import add_schedule, clear_schedule

    with _session() as session:
        if clear:
            clear_schedule(session, coordinator_id)
        s = add_schedule(session, coordinator_id, weekday=weekday, start=start, end=end,
                         slot_minutes=slot_minutes)
        click.echo(f"Coordinator {coordinator_id}: {WEEKDAYS_NL[s.weekday]} {s.start_time:%H:%M}–"
                   f"{s.end_time:%H:%M}, slots of {s.slot_minutes} minutes.")


@coordinators_group.command("set-chat-id")
@click.argument("coordinator_id", type=int)
@click.argument("chat_id", required=False)
@_friendly_errors
def coordinators_set_chat_id(coordinator_id: int, chat_id: str | None) -> None:
    """Link (or, without CHAT_ID, unlink) a coordinator's Telegram chat."""
    from .coordinators import set_telegram_chat_id

    with _session() as session:
        c = set_telegram_chat_id(session, coordinator_id, chat_id)
    click.echo(f"Coordinator {c.id}: Telegram chat id {c.telegram_chat_id or '(none)'}.")


# ---------------------------------------------------------------- tnw outbox


@click.group("outbox")
def outbox_group() -> None:
    """Coordinator notifications waiting to be delivered on Telegram."""


@outbox_group.command("status")
@_friendly_errors
def outbox_status() -> None:
    """Counts, and the coordinators whose chat blocked the bot (their messages are held back)."""
    from .outbox import blocked_coordinators, outbox_stats

    with _session() as session:
        stats = outbox_stats(session)
        blocked = blocked_coordinators(session)
    click.echo(", ".join(f"{k}: {v}" for k, v in stats.items()))
    for coordinator_id, name, count in blocked:
        click.echo(f"Blocked: coordinator {coordinator_id} ({name}) blocked the bot; {count} message(s) "
                   f"held back. Ask them to start the bot again, then run "
                   f"`tnw coordinators set-chat-id {coordinator_id} CHAT_ID`.")


# ---------------------------------------------------------------- tnw slots


@click.group("slots")
def slots_group() -> None:
    """Bookable intake slots, generated from weekly hours."""


@slots_group.command("generate")
@click.option("--weeks", default=2, show_default=True, type=click.IntRange(1, 26))
@click.option("--coordinator", "coordinator_ids", type=int, multiple=True,
              help="Only for these coordinator ids (repeatable).")
@_friendly_errors
def slots_generate(weeks: int, coordinator_ids: tuple[int, ...]) -> None:
    """Create slots for the coming weeks from the weekly hours (idempotent)."""
    from .coordinators import generate_slots

    with _session() as session:
        created = generate_slots(session, weeks=weeks, coordinator_ids=coordinator_ids or None)
    click.echo(f"{created} new slot(s) for the next {weeks} week(s).")


@slots_group.command("list")
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 180))
@click.option("--free-only", is_flag=True)
@_friendly_errors
def slots_list(days: int, free_only: bool) -> None:
    """List future slots (Brussels time) and whether they are booked."""
    now = utcnow()
    with _session() as session:
        booked = (sa.select(Intake.id).where(Intake.slot_id == Slot.id, Intake.status == BOOKED)
                  .correlate(Slot).scalar_subquery())
        rows = session.execute(
            sa.select(Slot.id, Slot.starts_at, Coordinator.name, Coordinator.mutualiteit, booked.label("intake_id"))
            .join(Coordinator, Coordinator.id == Slot.coordinator_id)
            .where(Slot.starts_at > now, Slot.starts_at < now + timedelta(days=days))
            .order_by(Slot.starts_at, Slot.id)
        ).all()
    table = [[r.id, format_when_short(r.starts_at), r.name, r.mutualiteit,
              f"intake #{r.intake_id}" if r.intake_id else "free"]
             for r in rows if not (free_only and r.intake_id)]
    if not table:
        click.echo("No slots. Add weekly hours and run `tnw slots generate`.")
        return
    click.echo(_table(["ID", "When", "Coordinator", "Mutualiteit", "Status"], table))


COMMAND_GROUPS = (db_group, coordinators_group, outbox_group, slots_group)


def register(group: click.Group) -> None:
    """Add `db`, `coordinators`, `outbox` and `slots` to the main `tnw` group."""
    for command in COMMAND_GROUPS:
        group.add_command(command)
