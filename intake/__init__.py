"""Intake storage and booking: coordinators, slots, intakes, consent, outbox, privacy.

The Rasa actions and the Telegram front end use the functions re-exported here, each with a
SQLAlchemy session from `session_factory(settings.database_url)`. Functions that change data
commit (or roll back everything and raise); they return plain dataclasses (`SlotOption`,
`IntakeView`, `PendingMessage`, `Gap`), usable after the session is closed.
"""
from __future__ import annotations

from .booking import (
    BOOKING_NOTICE,
    book_intake,
    cancel_intake,
    contact_route,
    free_slots,
    get_slot,
    reschedule_intake,
    upcoming_intakes,
)
from .coordinators import (
    add_coordinator,
    add_schedule,
    coordinator_gaps,
    coordinator_intakes,
    deactivate_coordinator,
    generate_slots,
    get_intake_for_coordinator,
    is_coordinator,
    list_coordinators,
    mark_intake,
    set_telegram_chat_id,
)
from .db import default_session_factory, make_engine, session_factory, upgrade
from .errors import (
    AlreadyBooked,
    ConsentMissing,
    CoordinatorNotFound,
    IntakeError,
    IntakeNotChangeable,
    IntakeNotFound,
    SlotTaken,
    SlotUnavailable,
    ValidationError,
)
from .gaps import Gap, record_unanswered_question, unanswered_questions
from .mutualiteiten import BUTTON_LABELS, MUTUALITEITEN, normalize_mutualiteit
from .outbox import PendingMessage, mark_failed, mark_sent, pending_messages
from .privacy import (
    CONSENT_TEXT_NL,
    CONSENT_VERSION,
    PURPOSE_INTAKE,
    delete_personal_data,
    export_personal_data,
    give_consent,
    has_consent,
    purge_old_data,
    summary_nl,
    withdraw_consent,
)
from .regions import FLEMISH_PROVINCES, PROVINCES, normalize_postcode, province_for_postcode
from .validation import ROLE_LABELS, clean_name, clean_text, normalize_email, normalize_phone
from .views import IntakeView, SlotOption, agenda_nl

__all__ = [
    "AlreadyBooked", "BOOKING_NOTICE", "BUTTON_LABELS", "CONSENT_TEXT_NL", "CONSENT_VERSION",
    "ConsentMissing", "CoordinatorNotFound", "FLEMISH_PROVINCES", "Gap", "IntakeError",
    "IntakeNotChangeable", "IntakeNotFound", "IntakeView", "MUTUALITEITEN", "PROVINCES",
    "PURPOSE_INTAKE", "PendingMessage", "ROLE_LABELS", "SlotOption", "SlotTaken", "SlotUnavailable",
    "ValidationError", "add_coordinator", "add_schedule", "agenda_nl", "book_intake",
    "cancel_intake", "clean_name", "clean_text", "contact_route", "coordinator_gaps", "coordinator_intakes",
    "deactivate_coordinator", "default_session_factory", "delete_personal_data",
    "export_personal_data", "free_slots", "generate_slots", "get_intake_for_coordinator",
    "get_slot", "give_consent", "has_consent", "is_coordinator", "list_coordinators",
    "make_engine", "mark_failed", "mark_intake", "mark_sent", "normalize_email",
    "normalize_mutualiteit", "normalize_phone", "normalize_postcode", "pending_messages",
    "province_for_postcode", "purge_old_data", "record_unanswered_question", "reschedule_intake",
    "session_factory", "set_telegram_chat_id", "summary_nl", "unanswered_questions",
    "upcoming_intakes", "upgrade", "withdraw_consent",
]
