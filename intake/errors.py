"""Domain errors. Each carries a short Dutch `message` the bot can show as is."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .views import IntakeView, SlotOption


class IntakeError(Exception):
    """Base class; `message` is Dutch and safe to show to the person who asked."""

    message = "Er ging iets mis. Probeer het later nog eens."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class ValidationError(IntakeError, ValueError):
    """Input that cannot be stored (bad phone number, empty name, …)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class ConsentMissing(IntakeError):
    message = "Ik heb eerst je toestemming nodig om je gegevens te bewaren."


class SlotUnavailable(IntakeError):
    """The slot does not exist, is in the past or its coordinator is no longer active."""

    message = "Dat moment kan niet meer. Kies een ander moment."

    def __init__(self, alternatives: list[SlotOption] | None = None, message: str | None = None):
        self.alternatives = list(alternatives or [])
        super().__init__(message)


class SlotTaken(SlotUnavailable):
    """Someone else booked the slot first. `alternatives` holds fresh free slots (may be empty)."""

    message = "Dat moment is net door iemand anders geboekt. Kies een ander moment."


class AlreadyBooked(IntakeError):
    """The participant already has an upcoming intake; reschedule or cancel that one."""

    message = "Je hebt al een afspraak. Wil je die verplaatsen of annuleren?"

    def __init__(self, existing: IntakeView) -> None:
        self.existing = existing
        super().__init__()


class IntakeNotFound(IntakeError):
    """No such intake for this person (also raised when it belongs to someone else)."""

    message = "Ik vind die afspraak niet."


class IntakeNotChangeable(IntakeError):
    message = "Die afspraak kan je niet meer wijzigen."


class CoordinatorNotFound(IntakeError):
    message = "Je bent niet geregistreerd als terug-naar-werk-coördinator."
