"""The user's role (participant or employer), read the same way by every action.

The `role` slot is set only by actions, from these functions: DIET sometimes tags a stray word
("ik", a name) as a role entity, and such a value must never reach the slot. When DIET finds no
role, the words of the message can still say it ("als werkgever", "mijn werknemer", "mijn
baas"), so the role is not asked again.
"""
from __future__ import annotations

import re

from rasa_sdk import Tracker

from knowledge_base.search import ROLES  # the roles the search leans towards

_BUSINESS = r"(bedrijf|bedrijfje|firma|zaak|kmo|onderneming|organisatie|winkel|bakkerij|garage|vzw|school)\b"
_EMPLOYER = re.compile(
    r"\b(als|ik\s+ben(\s+de)?|wij\s+zijn(\s+de)?|ik\s+werk\s+(op|bij)(\s+de)?)\s+"
    r"(werkgever|zaakvoerder|zaakvoerster|hr|hr-\w+|personeelsdienst|personeelsverantwoordelijke|"
    r"ploegbaas|ploegleider|teamleider|directeur|directrice|bedrijfsleider|kmo|kmo-\w+|zelfstandige\s+met\s+personeel)\b"
    r"|\b(mijn|m'n|mn|onze|ons)\s+(werknemer|werkneemster|medewerker|medewerkster|personeelslid|"
    r"arbeider|arbeidster|bediende|werknemers|medewerkers|personeelsleden|arbeiders|bedienden|personeel)s?\b"
    rf"|\b(ons|onze)\s+{_BUSINESS}"
    rf"|\bwij\s+zijn\s+(een|de)\s+(\w+\s+)?{_BUSINESS}",
    re.I)
_PARTICIPANT = re.compile(
    r"\b(mijn|m'n|mn|mijne)\s+(baas|bazin|werkgever|leidinggevende|chef|patron|directeur|ploegbaas)\b"
    r"|\bik\s+(ben|zit|sta)\s+(al\s+)?(\w+\s+){0,3}(ziek|thuis|arbeidsongeschikt|in\s+burn-?out|"
    r"op\s+de\s+(mutualiteit|mutuelle|ziekenkas)|in\s+de\s+ziekte)\b",
    re.I)


def role_in_text(text: str) -> str | None:
    """The role the words say ("ik ben zaakvoerder", "mijn baas"); None when they say none or both."""
    employer, participant = bool(_EMPLOYER.search(text or "")), bool(_PARTICIPANT.search(text or ""))
    if employer == participant:
        return None
    return "employer" if employer else "participant"


def named_role(tracker: Tracker) -> str | None:
    """A valid role named in the latest message, if any: DIET's entity, else the message's words."""
    entity = next((value for value in tracker.get_latest_entity_values("role") if value in ROLES), None)
    if entity is not None:
        return entity
    text = (tracker.latest_message or {}).get("text") or ""
    return None if text.startswith("/") else role_in_text(text)


def known_role(tracker: Tracker) -> str | None:
    """The role named now, else the one remembered earlier in the conversation."""
    return named_role(tracker) or tracker.get_slot("role")
