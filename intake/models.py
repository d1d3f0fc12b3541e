"""SQLAlchemy 2.0 models of the intake storage.

Datetimes are timezone-aware in Python and stored as UTC (`UTCDateTime`), on SQLite too.
The rule "a slot can be booked once" lives in the database: a partial unique index on
intakes(slot_id) for rows with status 'booked', so a cancelled intake frees its slot.
"""
from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .timeutil import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Intake statuses.
BOOKED = "booked"
CANCELLED = "cancelled"
DONE = "done"
NO_SHOW = "no_show"
INTAKE_STATUSES = (BOOKED, CANCELLED, DONE, NO_SHOW)

# Outbox message kinds.
KIND_NEW = "new"
KIND_CANCELLED = "cancelled"
KIND_RESCHEDULED = "rescheduled"
OUTBOX_KINDS = (KIND_NEW, KIND_CANCELLED, KIND_RESCHEDULED)


class UTCDateTime(TypeDecorator):
    """Aware datetime in Python, UTC in the database.

    PostgreSQL keeps `timestamptz`; SQLite has no time zone type, so the value is stored as
    naive UTC text and made aware again on the way out. Naive input is rejected.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"naive datetime {value!r}: use timezone-aware datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class Coordinator(TimestampMixin, Base):
    """A terug-naar-werk-coördinator of one mutualiteit, serving one or more provinces."""

    __tablename__ = "coordinators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    mutualiteit: Mapped[str] = mapped_column(sa.String(100), index=True)
    telegram_chat_id: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    areas: Mapped[list[CoordinatorArea]] = relationship(
        back_populates="coordinator", cascade="all, delete-orphan", lazy="selectin",
        order_by="CoordinatorArea.province",
    )
    schedules: Mapped[list[WeeklySchedule]] = relationship(
        back_populates="coordinator", cascade="all, delete-orphan",
        order_by="(WeeklySchedule.weekday, WeeklySchedule.start_time)",
    )
    slots: Mapped[list[Slot]] = relationship(back_populates="coordinator")

    @property
    def provinces(self) -> list[str]:
        return [a.province for a in self.areas]

    def __repr__(self) -> str:
        return f"<Coordinator {self.id} {self.name!r} {self.mutualiteit!r}>"


class CoordinatorArea(Base):
    """One province (or `brussel`) a coordinator serves."""

    __tablename__ = "coordinator_areas"

    coordinator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="CASCADE"), primary_key=True
    )
    province: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)

    coordinator: Mapped[Coordinator] = relationship(back_populates="areas")


class WeeklySchedule(Base):
    """A recurring block of availability: weekday (0 = Monday), local start/end, slot length."""

    __tablename__ = "weekly_schedules"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("slot_minutes > 0 AND slot_minutes <= 480", name="slot_minutes_range"),
        sa.CheckConstraint("end_time > start_time", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    slot_minutes: Mapped[int] = mapped_column(sa.SmallInteger, default=45)

    coordinator: Mapped[Coordinator] = relationship(back_populates="schedules")


class Slot(Base):
    """A bookable moment with one coordinator (UTC in the database, Brussels on screen)."""

    __tablename__ = "slots"
    __table_args__ = (
        sa.UniqueConstraint("coordinator_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    coordinator: Mapped[Coordinator] = relationship(back_populates="slots", lazy="joined")
    intakes: Mapped[list[Intake]] = relationship(back_populates="slot")


class Intake(TimestampMixin, Base):
    """A booked conversation. Personal fields are nullable so they can be wiped on request."""

    __tablename__ = "intakes"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'done', 'no_show')", name="status_valid"
        ),
        sa.CheckConstraint("role IN ('participant', 'employer', 'other')", name="role_valid"),
        # THE double-booking guard: one booked intake per slot; cancelled ones do not count.
        sa.Index(
            "uq_intakes_booked_slot",
            "slot_id",
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Pseudonymous id from the chat front end; NULL once the person's data was deleted.
    sender_id: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    participant_name: Mapped[str | None] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    role: Mapped[str] = mapped_column(sa.String(20))
    mutualiteit: Mapped[str | None] = mapped_column(sa.String(100))
    postcode: Mapped[str | None] = mapped_column(sa.String(4))
    province: Mapped[str | None] = mapped_column(sa.String(40))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    topic: Mapped[str | None] = mapped_column(sa.String(300))
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("slots.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=BOOKED, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    slot: Mapped[Slot] = relationship(back_populates="intakes", lazy="joined")


class Consent(Base):
    """Consent given in the chat, per purpose and version of the consent text."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(40))
    text_version: Mapped[str] = mapped_column(sa.String(20))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A notification for a coordinator, delivered by the Telegram front end (at least once).

    The chat id is looked up on the coordinator at delivery time, so a message waits (and is
    not lost) while a coordinator has no Telegram chat id yet.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('new', 'cancelled', 'rescheduled')", name="kind_valid"),
        sa.Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="CASCADE"), index=True
    )
    intake_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("intakes.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    payload: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    # A sender claims a row before sending it; the claim lapses at this time (crash-safe).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Telegram answered 403 (the coordinator blocked the bot): not retried until a chat id is set.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    coordinator: Mapped[Coordinator] = relationship(lazy="joined")


class UnansweredQuestion(Base):
    """A question the assistant could not answer, scrubbed of personal data (coordinators' gaps)."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(500))
    intent_guess: Mapped[str | None] = mapped_column(sa.String(100))
    measure_guess: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The ziekenfonds the conversation booked with (its coordinators see the question), if any.
    mutualiteit: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    # The scrubber removed something: then only that ziekenfonds' coordinators see it.
    personal: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # The sender id, only until the conversation books or the link window passes (then NULL).
    sender_ref: Mapped[str | None] = mapped_column(sa.String(128), index=True)


class PendingErasure(Base):
    """A requested erasure of a conversation in the tracker store, kept until it is done.

    Written in the same transaction as the deletion of the intake data, so a failed
    confirmation, a Rasa timeout or a crash cannot leave the conversation behind.
    """

    __tablename__ = "pending_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(200))


class KeyFingerprint(Base):
    """A one-way fingerprint of a key the stored data depends on (the pseudonym key).

    Pseudonymous sender ids are keyed hashes: with another key, stored intakes, consents and
    conversations no longer belong to anyone who writes in. The start-up check compares the
    fingerprint, never the key itself.
    """

    __tablename__ = "key_fingerprints"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
