"""The user's role (participant or employer), read the same way by every action.

The `role` slot is set only by actions, from these functions: DIET sometimes tags a stray word
("ik", a name) as a role entity, and such a value must never reach the slot.
"""
from __future__ import annotations

from rasa_sdk import Tracker

from knowledge_base.search import ROLES  # the roles the search leans towards


def named_role(tracker: Tracker) -> str | None:
    """A valid role named in the latest message, if any."""
    return next((value for value in tracker.get_latest_entity_values("role") if value in ROLES), None)


def known_role(tracker: Tracker) -> str | None:
    """The role named now, else the one remembered earlier in the conversation."""
    return named_role(tracker) or tracker.get_slot("role")
