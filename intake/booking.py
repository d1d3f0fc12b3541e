"""Finding free slots and booking, cancelling and rescheduling intakes.

Every change is one transaction that also writes the coordinator's notification to the outbox;
on any error everything is rolled back, so nothing is stored half. The functions commit
themselves: call them with a fresh session (`with Session() as session: ...`).

"A slot can be booked once" is enforced by the database (partial unique index on
intakes(slot_id) WHERE status = 'booked'). Two people racing for one slot both try to insert;
the database lets one through and the other gets `SlotTaken` with fresh alternatives.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import gaps, outbox
from .db import rowcount
from .errors import (
    AlreadyBooked,
    ConsentMissing,
    IntakeNotChangeable,
    IntakeNotFound,
    SlotTaken,
    SlotUnavailable,
    ValidationError,
)
from .models import BOOKED, CANCELLED, Coordinator, CoordinatorArea, Intake, Slot
from .mutualiteiten import BUTTON_LABELS, TNW_PAGES, normalize_mutualiteit
from .privacy import PURPOSE_INTAKE, has_consent
from .regions import normalize_postcode, normalize_province, province_for_postcode
from .timeutil import ensure_aware, utcnow
from .validation import (
    as_id,
    clean_name,
    clean_text,
    format_phone,
    normalize_email,
    normalize_phone,
    normalize_role,
    validate_sender_id,
)
from .views import IntakeView, SlotOption

# A slot must start at least this long after "now" to be offered or booked, so the coordinator
# sees the notification in time.
BOOKING_NOTICE = timedelta(hours=2)
ALTERNATIVES = 5


# ---------------------------------------------------------------- finding slots


def _booked_exists():
    return (
        sa.select(Intake.id)
        .where(Intake.slot_id == Slot.id, Intake.status == BOOKED)
        .exists()
    )


def _serves(province: str):
    return Coordinator.id.in_(
        sa.select(CoordinatorArea.coordinator_id).where(CoordinatorArea.province == province)
    )


def _query_free(session: Session, conditions: list, *, now: datetime, limit: int,
                exclude: Iterable[int]) -> list[SlotOption]:
    query = (
        sa.select(Slot)
        .join(Coordinator, Coordinator.id == Slot.coordinator_id)
        .where(
            Coordinator.active.is_(True),
            Slot.starts_at >= now + BOOKING_NOTICE,
            ~_booked_exists(),
            *conditions,
        )
        .order_by(Slot.starts_at, Slot.id)
        .limit(limit)
    )
    excluded = list(exclude)
    if excluded:
        query = query.where(Slot.id.not_in(excluded))
    return [SlotOption.from_slot(slot) for slot in session.scalars(query).unique()]


def free_slots(
    session: Session,
    *,
    mutualiteit: str | None = None,
    province: str | None = None,
    postcode: str | None = None,
    now: datetime | None = None,
    limit: int = 5,
    other_mutualiteiten: bool = True,
    exclude: Iterable[int] = (),
) -> list[SlotOption]:
    """Free future slots of active coordinators, best match first, ordered by time.

    Matching rule — the first step that finds any free slot wins (then up to `limit` slots of
    that step, earliest first):
      1. a coordinator of the person's mutualiteit who serves their province;
      2. a coordinator of their mutualiteit, any province;
      3. (if `other_mutualiteiten`) a coordinator of any mutualiteit who serves their province;
      4. (if `other_mutualiteiten`) any active coordinator.
    Steps without the needed information (unknown mutualiteit or province) are skipped.
    `province` may be a code or a name; `postcode` is used when no province is given.
    A slot is offered only if it starts at least BOOKING_NOTICE after `now`.
    An empty list means: offer `contact_route()` instead.
    """
    now = ensure_aware(now) if now else utcnow()
    mut = normalize_mutualiteit(mutualiteit)
    prov = normalize_province(province)
    if prov is None and postcode:
        found = province_for_postcode(postcode)
        prov = found.code if found else None
    steps: list[list] = []
    if mut and prov:
        steps.append([Coordinator.mutualiteit == mut, _serves(prov)])
    if mut:
        steps.append([Coordinator.mutualiteit == mut])
    if other_mutualiteiten or not mut:
        if prov:
            steps.append([_serves(prov)])
        steps.append([])
    for conditions in steps:
        options = _query_free(session, conditions, now=now, limit=limit, exclude=exclude)
        if options:
            return options
    return []


def get_slot(session: Session, slot_id: int | str) -> SlotOption | None:
    slot = session.get(Slot, as_id(slot_id, "slot_id"))
    return SlotOption.from_slot(slot) if slot else None


def contact_route(session: Session, mutualiteit: str | None) -> str:
    """Dutch text for when no slot fits: how to reach a TNW coordinator without the bot.

    Does not depend on any coordinator being registered; if active coordinators of that
    mutualiteit left a phone number or e-mail address, the first one is added.
    """
    mut = normalize_mutualiteit(mutualiteit)
    name = BUTTON_LABELS.get(mut, mut) if mut else None
    fund = f"je ziekenfonds ({name})" if name else "je ziekenfonds"
    lines = [
        f"Bel of mail {fund} en vraag naar de terug-naar-werk-coördinator.",
        "Dat mag op elk moment tijdens je arbeidsongeschiktheid.",
    ]
    if mut in TNW_PAGES:
        lines.append(f"Meer info: {TNW_PAGES[mut]}")
    if mut:
        coordinator = session.scalars(
            sa.select(Coordinator)
            .where(Coordinator.active.is_(True), Coordinator.mutualiteit == mut,
                   sa.or_(Coordinator.phone.is_not(None), Coordinator.email.is_not(None)))
            .order_by(Coordinator.id).limit(1)
        ).first()
        if coordinator is not None:
            route = format_phone(coordinator.phone) if coordinator.phone else coordinator.email
            lines.append(f"Je kan ook {coordinator.name} contacteren: {route}.")
    return "\n".join(lines)


# ---------------------------------------------------------------- booking


def _load_bookable_slot(session: Session, slot_id: int, now: datetime) -> Slot:
    slot = session.get(Slot, slot_id)
    if (
        slot is None
        or not slot.coordinator.active
        or slot.starts_at < now + BOOKING_NOTICE
    ):
        raise SlotUnavailable()
    return slot


def _slot_is_booked(session: Session, slot_id: int) -> bool:
    return session.scalar(
        sa.select(Intake.id).where(Intake.slot_id == slot_id, Intake.status == BOOKED).limit(1)
    ) is not None


def _alternatives(session: Session, *, mutualiteit: str | None, province: str | None,
                  now: datetime, exclude: Iterable[int]) -> list[SlotOption]:
    try:
        return free_slots(session, mutualiteit=mutualiteit, province=province, now=now,
                          limit=ALTERNATIVES, exclude=exclude)
    except Exception:  # alternatives are a courtesy; never hide the real error behind them
        session.rollback()
        return []


def _upcoming_booked(session: Session, sender_id: str, now: datetime) -> Intake | None:
    return session.scalars(
        sa.select(Intake).join(Slot, Slot.id == Intake.slot_id)
        .where(Intake.sender_id == sender_id, Intake.status == BOOKED, Slot.starts_at > now)
        .order_by(Slot.starts_at).limit(1)
    ).first()


def book_intake(
    session: Session,
    *,
    sender_id: str,
    slot_id: int,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    role: str = "participant",
    mutualiteit: str | None = None,
    postcode: str | None = None,
    topic: str | None = None,
    now: datetime | None = None,
    allow_second_booking: bool = False,
) -> IntakeView:
    """Book `slot_id` for the person behind `sender_id`, in one transaction. Commits.

    Raises ValidationError (bad input; nothing touched), ConsentMissing, AlreadyBooked (they
    already have an upcoming intake; reschedule instead), SlotUnavailable (slot gone, past or
    its coordinator inactive) or SlotTaken (someone else was first) — the last two carry
    `alternatives`. At least a phone number or an e-mail address is required.
    """
    now = ensure_aware(now) if now else utcnow()
    sender_id = validate_sender_id(sender_id)
    slot_id = as_id(slot_id, "slot_id")
    phone = str(phone).strip() if phone is not None else ""
    email = str(email).strip() if email is not None else ""
    clean = {
        "participant_name": clean_name(name),
        "phone": normalize_phone(phone) if phone else None,
        "email": normalize_email(email) if email else None,
        "role": normalize_role(role),
        "mutualiteit": normalize_mutualiteit(mutualiteit),
        "topic": clean_text(topic, field="topic"),
    }
    if not clean["phone"] and not clean["email"]:
        raise ValidationError(
            "phone", "Hoe kan de coördinator je bereiken? Geef je telefoonnummer of e-mailadres.")
    if postcode is not None and str(postcode).strip():
        code = normalize_postcode(postcode)
        if code is None:
            raise ValidationError(
                "postcode", "Dat is geen Belgische postcode. Typ 4 cijfers, bv. 9000.")
        province = province_for_postcode(code)
        assert province is not None  # the provinces' ranges cover every valid postcode (1000-9999)
        clean.update(postcode=code, province=province.code, region=province.region)

    try:
        if not has_consent(session, sender_id, PURPOSE_INTAKE):
            raise ConsentMissing()
        if not allow_second_booking:
            existing = _upcoming_booked(session, sender_id, now)
            if existing is not None:
                raise AlreadyBooked(IntakeView.from_intake(existing))
        slot = _load_bookable_slot(session, slot_id, now)
        intake = Intake(sender_id=sender_id, slot_id=slot.id, status=BOOKED,
                        created_at=now, updated_at=now, **clean)
        session.add(intake)
        session.flush()  # the unique index decides here (or at commit) who gets the slot
        view = IntakeView.from_intake(intake)
        outbox.enqueue(session, coordinator_id=slot.coordinator_id, kind=outbox.KIND_NEW,
                       text=outbox.text_new(view), intake_id=intake.id, now=now)
        gaps.link_to_booking(session, sender_id, slot.coordinator.mutualiteit, now)
        session.commit()
        return view
    except IntegrityError:
        session.rollback()
        alternatives = functools.partial(
            _alternatives, session, mutualiteit=clean["mutualiteit"],
            province=clean.get("province"), now=now, exclude=[slot_id])
        if _slot_is_booked(session, slot_id):
            raise SlotTaken(alternatives()) from None
        if session.get(Slot, slot_id) is None:  # deleted meanwhile (foreign key)
            raise SlotUnavailable(alternatives()) from None
        raise
    except SlotUnavailable as exc:
        session.rollback()
        exc.alternatives = _alternatives(
            session, mutualiteit=clean["mutualiteit"], province=clean.get("province"),
            now=now, exclude=[slot_id])
        raise
    except BaseException:
        session.rollback()
        raise


# ---------------------------------------------------------------- the participant's intakes


def upcoming_intakes(session: Session, sender_id: str, now: datetime | None = None) -> list[IntakeView]:
    """The person's booked intakes that have not started yet, earliest first."""
    sender_id = validate_sender_id(sender_id)
    now = ensure_aware(now) if now else utcnow()
    intakes = session.scalars(
        sa.select(Intake).join(Slot, Slot.id == Intake.slot_id)
        .where(Intake.sender_id == sender_id, Intake.status == BOOKED, Slot.starts_at > now)
        .order_by(Slot.starts_at)
    ).all()
    return [IntakeView.from_intake(i) for i in intakes]


def _own_changeable_intake(session: Session, sender_id: str, intake_id: int, now: datetime) -> Intake:
    sender_id = validate_sender_id(sender_id)  # never None: anonymised rows have no sender
    intake_id = as_id(intake_id, "intake_id")
    intake = session.scalar(
        sa.select(Intake).where(Intake.id == intake_id, Intake.sender_id == sender_id)
    )
    if intake is None:
        raise IntakeNotFound()
    if intake.status != BOOKED or intake.slot.starts_at <= now:
        raise IntakeNotChangeable()
    return intake


def _cancel_row(session: Session, intake_id: int, now: datetime) -> None:
    """Conditional update, so two concurrent cancels cannot both succeed (or both notify)."""
    result = session.execute(
        sa.update(Intake)
        .where(Intake.id == intake_id, Intake.status == BOOKED)
        .values(status=CANCELLED, cancelled_at=now, updated_at=now)

    )
    if rowcount(result) != 1:
        raise IntakeNotChangeable()


def cancel_intake(session: Session, sender_id: str, intake_id: int,
                  now: datetime | None = None) -> IntakeView:
    """Cancel the person's own upcoming intake; frees the slot and notifies the coordinator."""
    now = ensure_aware(now) if now else utcnow()
    intake_id = as_id(intake_id, "intake_id")
    try:
        intake = _own_changeable_intake(session, sender_id, intake_id, now)
        before = IntakeView.from_intake(intake)
        _cancel_row(session, intake.id, now)
        outbox.enqueue(session, coordinator_id=before.coordinator_id, kind=outbox.KIND_CANCELLED,
                       text=outbox.text_cancelled(before), intake_id=intake.id, now=now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.expire_all()
    cancelled = session.get(Intake, intake_id)
    assert cancelled is not None  # the row was updated above, never deleted
    return IntakeView.from_intake(cancelled)


def reschedule_intake(session: Session, sender_id: str, intake_id: int, new_slot_id: int,
                      now: datetime | None = None) -> IntakeView:
    """Move the person's upcoming intake to `new_slot_id`, in one transaction.

    The old intake is cancelled (its slot freed) and a new one is booked with the same details;
    the new slot's coordinator gets a "rescheduled" message (and the old coordinator, if it is
    someone else, a cancellation). Raises SlotTaken / SlotUnavailable with alternatives, or
    IntakeNotFound / IntakeNotChangeable; on any error the old booking is untouched.
    """
    now = ensure_aware(now) if now else utcnow()
    sender_id = validate_sender_id(sender_id)
    new_slot_id = as_id(new_slot_id, "slot_id")
    province = mutualiteit = None
    try:
        if not has_consent(session, sender_id, PURPOSE_INTAKE):
            raise ConsentMissing()
        old = _own_changeable_intake(session, sender_id, intake_id, now)
        province, mutualiteit = old.province, old.mutualiteit
        if old.slot_id == new_slot_id:
            raise SlotUnavailable(message="Dat is hetzelfde moment als je afspraak nu.")
        old_view = IntakeView.from_intake(old)
        slot = _load_bookable_slot(session, new_slot_id, now)
        _cancel_row(session, old.id, now)
        new = Intake(
            sender_id=old.sender_id, participant_name=old.participant_name, phone=old.phone,
            email=old.email, role=old.role, mutualiteit=old.mutualiteit, postcode=old.postcode,
            province=old.province, region=old.region, topic=old.topic, slot_id=slot.id,
            status=BOOKED, created_at=now, updated_at=now,
        )
        session.add(new)
        session.flush()
        new_view = IntakeView.from_intake(new)
        outbox.enqueue(session, coordinator_id=slot.coordinator_id, kind=outbox.KIND_RESCHEDULED,
                       text=outbox.text_rescheduled(old_view, new_view), intake_id=new.id, now=now)
        if old_view.coordinator_id != slot.coordinator_id:
            outbox.enqueue(session, coordinator_id=old_view.coordinator_id,
                           kind=outbox.KIND_CANCELLED, text=outbox.text_moved_away(old_view),
                           intake_id=old.id, now=now)
        session.commit()
        return new_view
    except IntegrityError:
        session.rollback()
        if _slot_is_booked(session, new_slot_id):
            raise SlotTaken(_alternatives(session, mutualiteit=mutualiteit, province=province,
                                          now=now, exclude=[new_slot_id])) from None
        raise
    except SlotUnavailable as exc:
        session.rollback()
        exc.alternatives = _alternatives(session, mutualiteit=mutualiteit, province=province,
                                         now=now, exclude=[new_slot_id])
        raise
    except BaseException:
        session.rollback()
        raise
