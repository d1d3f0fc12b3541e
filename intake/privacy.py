"""Consent, and the participant's rights: see everything stored, and have it erased.

Consent is asked in the chat before any personal data is stored; `book_intake` refuses to
store an intake without an active consent for purpose "intake". Withdrawing consent stops new
bookings; erasing data is a separate, explicit request (`delete_personal_data`).

Erasing also records a pending erasure of the Rasa conversation (tracker store) in the same
transaction; `intake.erasure` carries it out until it is done.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import erasure, gaps, outbox
from .db import rowcount
from .errors import ValidationError
from .models import BOOKED, CANCELLED, Consent, Intake, OutboxMessage, Slot
from .timeutil import ensure_aware, utcnow
from .validation import validate_sender_id
from .views import IntakeView

PURPOSE_INTAKE = "intake"
CONSENT_VERSION = "2026-12-v2"
CONSENT_TEXT_NL = (
    "Om een gesprek met een terug-naar-werk-coördinator te plannen, bewaar ik je naam, je "
    "telefoonnummer of e-mailadres, je ziekenfonds, je postcode en een korte omschrijving van je "
    "vraag. Die omschrijving kan over je gezondheid gaan: dat zijn gevoelige gegevens. Alleen de "
    "coördinator van je afspraak ziet die gegevens. Hij of zij krijgt ze via Telegram. Ik bewaar "
    "ze tot een jaar na je afspraak. Ook ons gesprek wordt bewaard. Je kan alles altijd opvragen "
    "of laten wissen: typ dan 'wat weten jullie over mij?' of 'wis mijn gegevens'. Ga je akkoord?"
)
ERASED_PAYLOAD = "[verwijderd op vraag van de deelnemer]"

_PURPOSES = {PURPOSE_INTAKE}


def _check_purpose(purpose: str) -> str:
    if purpose not in _PURPOSES:
        raise ValidationError("purpose", f"unknown consent purpose {purpose!r}")
    return purpose


def give_consent(
    session: Session,
    sender_id: str,
    *,
    purpose: str = PURPOSE_INTAKE,
    version: str = CONSENT_VERSION,
    now: datetime | None = None,
) -> Consent:
    """Record consent (idempotent for the same purpose and text version). Commits."""
    sender_id = validate_sender_id(sender_id)
    _check_purpose(purpose)
    now = ensure_aware(now) if now else utcnow()
    existing = session.scalar(
        sa.select(Consent).where(
            Consent.sender_id == sender_id, Consent.purpose == purpose,
            Consent.text_version == version, Consent.withdrawn_at.is_(None),
        ).limit(1)
    )
    if existing is not None:
        return existing
    consent = Consent(sender_id=sender_id, purpose=purpose, text_version=version, given_at=now)
    session.add(consent)
    session.commit()
    return consent


def has_consent(
    session: Session, sender_id: str, purpose: str = PURPOSE_INTAKE,
    *, version: str | None = None,
) -> bool:
    """True if an active (not withdrawn) consent exists; `version` to require a specific text."""
    query = sa.select(Consent.id).where(
        Consent.sender_id == sender_id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None)
    )
    if version is not None:
        query = query.where(Consent.text_version == version)
    return session.scalar(query.limit(1)) is not None


def withdraw_consent(
    session: Session, sender_id: str, purpose: str = PURPOSE_INTAKE, now: datetime | None = None
) -> int:
    """Mark active consents as withdrawn; returns how many. Stored intakes stay until erased."""
    sender_id = validate_sender_id(sender_id)
    now = ensure_aware(now) if now else utcnow()
    result = session.execute(
        sa.update(Consent)
        .where(Consent.sender_id == sender_id, Consent.purpose == purpose,
               Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    session.commit()
    return rowcount(result) or 0


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(session: Session, sender_id: str) -> dict:
    """Everything stored about `sender_id`, JSON-serialisable ("wat weten jullie over mij?")."""
    sender_id = validate_sender_id(sender_id)
    intakes = session.scalars(
        sa.select(Intake).where(Intake.sender_id == sender_id).order_by(Intake.created_at, Intake.id)
    ).all()
    intake_ids = [i.id for i in intakes]
    consents = session.scalars(
        sa.select(Consent).where(Consent.sender_id == sender_id).order_by(Consent.given_at)
    ).all()
    messages: Sequence[OutboxMessage] = []
    if intake_ids:
        messages = session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.intake_id.in_(intake_ids))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        ).all()
    return {
        "sender_id": sender_id,
        "exported_at": utcnow().isoformat(),
        "intakes": [IntakeView.from_intake(i).to_dict() for i in intakes],
        "consents": [
            {"purpose": c.purpose, "text_version": c.text_version,
             "given_at": _iso(c.given_at), "withdrawn_at": _iso(c.withdrawn_at)}
            for c in consents
        ],
        "coordinator_messages": [
            {"intake_id": m.intake_id, "kind": m.kind, "text": m.payload,
             "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
            for m in messages
        ],
    }


STATUS_NL = {"booked": "gepland", "cancelled": "geannuleerd", "done": "afgerond",
             "no_show": "niet gekomen"}
PURPOSE_NL = {PURPOSE_INTAKE: "om een afspraak te plannen"}
DEFAULT_CONVERSATION_DAYS = 90


def conversation_note_nl(keep_days: int = DEFAULT_CONVERSATION_DAYS) -> str:
    return (f"Ook ons gesprek wordt bewaard, zodat ik je vragen kan volgen. Elk bericht wis ik "
            f"{keep_days} dagen nadat je het stuurde.")


def summary_nl(data: dict, *, conversation_days: int = DEFAULT_CONVERSATION_DAYS) -> str:
    """A short Dutch summary of an export, for the chat; it also says how long the
    conversation itself is kept."""
    note = conversation_note_nl(conversation_days)
    if not data["intakes"] and not data["consents"]:
        return f"Ik heb geen afspraak en geen toestemming van je bewaard.\n{note}"
    lines = ["Dit heb ik van je bewaard:"]
    for intake in data["intakes"]:
        contact = intake.get("phone") or intake.get("email") or "-"
        status = STATUS_NL.get(intake["status"], intake["status"])
        lines.append(
            f"• Afspraak #{intake['id']} op {intake['when']} ({status}): "
            f"naam {intake.get('participant_name') or '-'}, contact {contact}, "
            f"ziekenfonds {intake.get('mutualiteit') or '-'}, postcode {intake.get('postcode') or '-'}, "
            f"vraag: {intake.get('topic') or '-'}"
        )
    for consent in data["consents"]:
        state = "ingetrokken" if consent["withdrawn_at"] else "gegeven"
        purpose = PURPOSE_NL.get(consent["purpose"], consent["purpose"])
        lines.append(f"• Toestemming {purpose} (versie {consent['text_version']}): {state}")
    lines.append(f"• {note}")
    return "\n".join(lines)


def delete_personal_data(session: Session, sender_id: str, now: datetime | None = None) -> dict:
    """Erase the person's data in one transaction; returns a summary of what was done.

    - Upcoming booked intakes are cancelled (the slot is freed) and their coordinator gets a
      notice without personal data.
    - All their intakes are anonymised: sender id, name, phone, e-mail, postcode and topic are
      wiped; status, role, mutualiteit, province, region and the slot stay for statistics.
    - Unsent coordinator messages about them are deleted; sent ones have their text replaced.
      (Messages already delivered to a coordinator's Telegram cannot be recalled from here.)
    - Their consents are deleted, and unanswered questions still linked to them.
    - The erasure of their Rasa conversation is recorded (`intake.erasure`), in this same
      transaction, so it is carried out even if everything after this commit fails.
    """
    sender_id = validate_sender_id(sender_id)
    now = ensure_aware(now) if now else utcnow()
    summary = {"intakes_anonymised": 0, "intakes_cancelled": 0, "messages_deleted": 0,
               "messages_scrubbed": 0, "consents_deleted": 0, "questions_deleted": 0,
               "conversation_erasure": 1}
    try:
        intakes = session.scalars(
            sa.select(Intake).where(Intake.sender_id == sender_id).order_by(Intake.id)
        ).all()
        intake_ids = [i.id for i in intakes]
        if intake_ids:
            deleted = session.execute(
                sa.delete(OutboxMessage).where(
                    OutboxMessage.intake_id.in_(intake_ids), OutboxMessage.sent_at.is_(None)
                )
            )
            summary["messages_deleted"] = rowcount(deleted) or 0
            scrubbed = session.execute(
                sa.update(OutboxMessage).where(
                    OutboxMessage.intake_id.in_(intake_ids), OutboxMessage.sent_at.is_not(None)
                ).values(payload=ERASED_PAYLOAD)
            )
            summary["messages_scrubbed"] = rowcount(scrubbed) or 0
        for intake in intakes:
            if intake.status == BOOKED and intake.slot.starts_at > now:
                intake.status = CANCELLED
                intake.cancelled_at = now
                summary["intakes_cancelled"] += 1
                notice = outbox.text_erased(IntakeView.from_intake(intake))
                outbox.enqueue(session, coordinator_id=intake.slot.coordinator_id,
                               kind=outbox.KIND_CANCELLED, text=notice, intake_id=intake.id, now=now)
            intake.sender_id = None
            intake.participant_name = None
            intake.phone = None
            intake.email = None
            intake.postcode = None
            intake.topic = None
            intake.anonymised_at = now
            intake.updated_at = now
            summary["intakes_anonymised"] += 1
        consents = session.execute(sa.delete(Consent).where(Consent.sender_id == sender_id))
        summary["consents_deleted"] = rowcount(consents) or 0
        summary["questions_deleted"] = gaps.forget_sender(session, sender_id)
        erasure.request_erasure(session, sender_id, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


DEFAULT_KEEP_DAYS = 365


def purge_old_data(session: Session, *, now: datetime | None = None,
                   keep_days: int = DEFAULT_KEEP_DAYS, dry_run: bool = False) -> dict:
    """Storage limitation: anonymise what is older than `keep_days`. Commits; returns counts.

    - intakes whose slot started more than `keep_days` ago are anonymised as in
      `delete_personal_data` (statistics stay), and their coordinator messages are deleted;
    - other sent coordinator messages older than that are deleted;
    - consents withdrawn more than `keep_days` ago are deleted.
    With `dry_run`, everything is counted and rolled back.
    """
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    now = ensure_aware(now) if now else utcnow()
    cutoff = now - timedelta(days=keep_days)
    try:
        old_intakes = (
            sa.select(Intake.id).join(Slot, Slot.id == Intake.slot_id)
            .where(Slot.starts_at < cutoff, Intake.anonymised_at.is_(None))
        )
        ids = list(session.scalars(old_intakes))
        messages = 0
        if ids:
            messages += rowcount(session.execute(
                sa.delete(OutboxMessage).where(OutboxMessage.intake_id.in_(ids))
            )) or 0
            session.execute(
                sa.update(Intake).where(Intake.id.in_(ids))
                .values(sender_id=None, participant_name=None, phone=None, email=None,
                        postcode=None, topic=None, anonymised_at=now, updated_at=now)
            )
        messages += rowcount(session.execute(
            sa.delete(OutboxMessage).where(OutboxMessage.sent_at.is_not(None),
                                           OutboxMessage.sent_at < cutoff)
        )) or 0
        consents = rowcount(session.execute(
            sa.delete(Consent).where(Consent.withdrawn_at.is_not(None), Consent.withdrawn_at < cutoff)
        )) or 0
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return {"intakes_anonymised": len(ids), "messages_deleted": messages,
            "consents_deleted": consents}
