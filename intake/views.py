"""Plain, session-independent results for callers (Rasa actions, Telegram front end).

The domain functions return these instead of ORM objects, so a caller can use them after the
session is closed or rolled back, and pass them across threads.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from . import models
from .mutualiteiten import BUTTON_LABELS
from .regions import PROVINCES
from .timeutil import format_when, format_when_short
from .validation import ROLE_LABELS, format_phone


@dataclass(frozen=True)
class SlotOption:
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    coordinator_id: int
    coordinator_name: str
    mutualiteit: str

    @property
    def label(self) -> str:
        """'dinsdag 24 november om 10:00' (Brussels time)."""
        return format_when(self.starts_at)

    @property
    def button_label(self) -> str:
        """'di 24/11 10:00 · CM' — short enough for an inline keyboard button."""
        return f"{format_when_short(self.starts_at)} · {BUTTON_LABELS.get(self.mutualiteit, self.mutualiteit)}"

    @classmethod
    def from_slot(cls, slot: models.Slot) -> SlotOption:
        return cls(
            slot_id=slot.id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            coordinator_id=slot.coordinator_id,
            coordinator_name=slot.coordinator.name,
            mutualiteit=slot.coordinator.mutualiteit,
        )


STATUS_NL = {
    models.BOOKED: "geboekt",
    models.CANCELLED: "geannuleerd",
    models.DONE: "afgerond",
    models.NO_SHOW: "niet opgedaagd",
}


@dataclass(frozen=True)
class IntakeView:
    id: int
    status: str
    starts_at: datetime
    ends_at: datetime
    slot_id: int
    coordinator_id: int
    coordinator_name: str
    coordinator_mutualiteit: str
    participant_name: str | None
    phone: str | None
    email: str | None
    role: str
    mutualiteit: str | None
    postcode: str | None
    province: str | None
    region: str | None
    topic: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def when(self) -> str:
        return format_when(self.starts_at)

    @property
    def status_nl(self) -> str:
        return STATUS_NL.get(self.status, self.status)

    @classmethod
    def from_intake(cls, intake: models.Intake) -> IntakeView:
        slot = intake.slot
        return cls(
            id=intake.id,
            status=intake.status,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            slot_id=slot.id,
            coordinator_id=slot.coordinator_id,
            coordinator_name=slot.coordinator.name,
            coordinator_mutualiteit=slot.coordinator.mutualiteit,
            participant_name=intake.participant_name,
            phone=intake.phone,
            email=intake.email,
            role=intake.role,
            mutualiteit=intake.mutualiteit,
            postcode=intake.postcode,
            province=intake.province,
            region=intake.region,
            topic=intake.topic,
            created_at=intake.created_at,
            updated_at=intake.updated_at,
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        data["when"] = self.when
        return data

    def details_nl(self) -> str:
        """Multi-line Dutch description for a coordinator (plain text, no markup)."""
        lines = [f"Intake #{self.id} — {self.when} ({self.status_nl})"]
        if self.participant_name:
            lines.append(f"Naam: {self.participant_name}")
        if self.phone:
            lines.append(f"Telefoon: {format_phone(self.phone)}")
        if self.email:
            lines.append(f"E-mail: {self.email}")
        lines.append(f"Rol: {ROLE_LABELS.get(self.role, self.role)}")
        if self.mutualiteit:
            lines.append(f"Ziekenfonds: {self.mutualiteit}")
        if self.postcode or self.province:
            place = self.postcode or ""
            if self.province in PROVINCES:
                place = f"{place} ({PROVINCES[self.province].name})".strip()
            lines.append(f"Postcode: {place}")
        if self.topic:
            lines.append(f"Vraag: {self.topic}")
        return "\n".join(lines)


def agenda_nl(intakes: list[IntakeView], *, empty: str = "Er staan geen intakes gepland.") -> str:
    """A coordinator's list, one line per intake: "• di 24/11 10:00 — #12 Jan Peeters (9000)"."""
    if not intakes:
        return empty
    lines = []
    for intake in intakes:
        who = intake.participant_name or "(gewist)"
        place = f" ({intake.postcode})" if intake.postcode else ""
        lines.append(f"• {format_when_short(intake.starts_at)} — #{intake.id} {who}{place}")
    return "\n".join(lines)
