"""The booking replies that carry data: moments as buttons, an appointment, a confirmation.

Pure functions that fill the templates of actions/texts.py with what the intake store returned
(`SlotOption`, `IntakeView`); no Rasa, no database.
"""
from __future__ import annotations

from actions import texts
from actions.booking_slots import CONTACT, MUTUALITEIT, NONE_FITS, POSTCODE, SLOT_ID_ENTITY
from actions.formatting import intent_payload
from intake import BUTTON_LABELS, MUTUALITEITEN, IntakeView, SlotOption, province_for_postcode
from intake.validation import format_phone

SLOT_CHOICES = 5  # moments offered at once


def spread_over_days(options: list[SlotOption], limit: int = SLOT_CHOICES) -> list[SlotOption]:
    """Up to `limit` moments, preferring different days (earliest first), then in time order."""
    chosen: list[SlotOption] = []
    days: set = set()
    for option in options:
        day = option.label.split(" om ")[0]
        if day not in days:
            chosen.append(option)
            days.add(day)
        if len(chosen) == limit:
            break
    for option in options:
        if len(chosen) == limit:
            break
        if option not in chosen:
            chosen.append(option)
    return sorted(chosen, key=lambda o: (o.starts_at, o.slot_id))


def slot_payload(slot_id: int | str) -> str:
    return intent_payload("inform", **{SLOT_ID_ENTITY: str(slot_id)})


def slot_buttons(options: list[SlotOption], *, none_fits: bool = True) -> list[dict[str, str]]:
    buttons = [{"title": o.button_label, "payload": slot_payload(o.slot_id)} for o in options]
    if none_fits:
        buttons.append({"title": texts.NONE_FITS_BUTTON, "payload": slot_payload(NONE_FITS)})
    return buttons


def mutualiteit_buttons() -> list[dict[str, str]]:
    # The payload is the canonical name as text: it fills the slot however NLU classifies it.
    buttons = [{"title": BUTTON_LABELS.get(m, m), "payload": m} for m in MUTUALITEITEN]
    buttons.append({"title": texts.DONT_KNOW_FUND, "payload": texts.DONT_KNOW_FUND})
    return buttons


def show_value(slot: str, value: str) -> str:
    """How an answer is read back to the person (a corrected one, a number from the request)."""
    if slot == CONTACT and value.startswith("+"):
        return format_phone(value)
    if slot == MUTUALITEIT:
        return BUTTON_LABELS.get(value, value)
    if slot == POSTCODE:
        province = province_for_postcode(value)
        return f"{value} ({province.name})" if province else value
    return value


def _fund_label(view: IntakeView) -> str:
    return BUTTON_LABELS.get(view.coordinator_mutualiteit, view.coordinator_mutualiteit)


def contact_line(view: IntakeView) -> str:
    if view.phone:
        return texts.BY_PHONE.format(phone=format_phone(view.phone))
    return texts.BY_EMAIL.format(email=view.email)


def confirmation_text(view: IntakeView, *, rescheduled: bool = False) -> str:
    return texts.CONFIRMATION.format(
        start=texts.MOVED if rescheduled else texts.CONFIRMED, when=view.when,
        coordinator=view.coordinator_name, fund=_fund_label(view), contact=contact_line(view),
    )


def appointment_text(view: IntakeView) -> str:
    return texts.APPOINTMENT.format(when=view.when, coordinator=view.coordinator_name, fund=_fund_label(view))


def has_appointment_text(view: IntakeView) -> str:
    """"Je hebt al een afspraak." and the appointment."""
    return f"{texts.HAS_APPOINTMENT}\n{appointment_text(view)}"


def change_buttons() -> list[dict[str, str]]:
    """Under an appointment: move it, or cancel it."""
    return [texts.RESCHEDULE_BUTTON, texts.CANCEL_BUTTON]
