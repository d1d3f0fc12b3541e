"""What the booking conversation reads from a message: answers, corrections, who is asking.

Pure functions (no Rasa, no database), so every rule about names, phone numbers, postcodes and
corrections can be tested on its own. Personal data never goes to a log from here. Whether an
answer is acceptable is not decided here but in intake/validation.py; phone numbers and e-mail
addresses are found in a sentence there too (`find_contact`), with phonenumbers.
"""
from __future__ import annotations

import re

from actions.booking_slots import CONTACT, FORM_NAME, MUTUALITEIT, NAME, POSTCODE, TOPIC, UNKNOWN_MUTUALITEIT
from dutch_text import fold
from intake import ValidationError, normalize_mutualiteit
from intake.validation import find_contact, validate_contact

# Intents that end the form (rules: stop/deny during the form -> action_stop_booking;
# crisis -> action_crisis_support, which puts the form aside).
EXIT_INTENTS = frozenset({"stop", "deny", "crisis"})
# Intents that have their own rule during the form; the form lets them through.
OTHER_FLOW_INTENTS = frozenset({
    "book_intake", "my_appointment", "cancel_appointment", "reschedule_appointment",
    "privacy_show_data", "privacy_delete_data",
})
# Questions and small talk: answered by their rules, then the form asks again — unless the
# message is clearly the answer that was asked for (a phone number classified as a question).
QUESTION_INTENTS = frozenset({
    "ask_measure", "ask_eligibility", "ask_how_to_apply", "ask_financial_impact",
    "ask_coordinator", "greet", "goodbye", "thank", "smalltalk", "bot_challenge",
    "out_of_scope", "other_language", "affirm",
    "express_frustration", "share_good_news", "ask_simpler", "medical_question",
})

_QUESTION_START = re.compile(
    r"^\s*(wat|wie|hoe|waar|wanneer|waarom|welke?|hoeveel|kan|kun|kunnen|mag|moet|moeten|is|zijn|"
    r"heb|hebben|krijg|krijgen|bestaat|geldt|betaalt|vraag)\b", re.I)
_NOT_A_NAME = frozenset({
    "hallo", "hoi", "hey", "dag", "goeiedag", "goedendag", "ja", "nee", "neen", "ok", "oke", "oké",
    "merci", "bedankt", "dankjewel", "dankuwel", "stop", "help", "test",
})
_NAME_CUE = re.compile(
    r"^\s*(?:(?:mijn|m'n|de)\s+(?:voor)?naam\s+is|ik\s+ben|ik\s+heet|naam\s*:|dit\s+is|"
    r"het\s+is|je\s+mag\s+me)\s+", re.I)

# "9000", "B-9000", "BE 9000"; "NL-1234" and "75001" are kept whole so they are refused as foreign.
_POSTCODE_CANDIDATE = re.compile(r"(?<![\w+])(?:[A-Za-z]{1,2}-|[Bb][Ee]?\s?)?\d{3,6}(?!\w)")
_DONT_KNOW = re.compile(r"\b(weet\s+(ik|het)\s+niet|geen\s+idee|niet\s+zeker|ik\s+weet\s+het\s+niet)\b", re.I)

# "mijn nummer is eigenlijk ...", "sorry, mijn postcode moet 9000 zijn", "correctie: mijn naam is ..."
_CORRECTION_CUE = re.compile(
    r"\b(eigenlijk|toch|correctie|verbetering|verbeter|verkeerd|fout|foutje|oeps|vergist|"
    r"moet\s+zijn|aanpassen|wijzigen|veranderen|niet\s+juist|klopt\s+niet)\b", re.I)
_CORRECTION_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (CONTACT, re.compile(r"\b(telefoon\w*|gsm\w*|nummer|e-?mail\w*|mailadres|mail)\b", re.I)),
    (POSTCODE, re.compile(r"\bpostcode\b", re.I)),
    (MUTUALITEIT, re.compile(r"\b(ziekenfonds|mutualiteit|mutualiteiten|mutualiteit\w*)\b", re.I)),
    (NAME, re.compile(r"\b((voor|achter|familie)?naam)\b", re.I)),
)
_NAME_AFTER = re.compile(
    r"\b(?:naam\s+is(?:\s+(?:eigenlijk|toch))?|moet\s+zijn|is\s+eigenlijk|is\s+toch|:)\s*(?P<rest>.+)$",
    re.I)

# Booking for someone else: an employee (the employer is told how to help), or someone close.
_FOR_EMPLOYEE = re.compile(
    r"\b(voor|van)\s+(mijn|m'n|onze|een|ons)\s+(werknemer|werkneemster|medewerker|medewerkster|"
    r"personeelslid|personeel|arbeider|bediende|collega|werknemers|medewerkers)s?\b", re.I)
_MY_EMPLOYEE = re.compile(
    r"\b(mijn|m'n|onze)\s+(werknemer|werkneemster|medewerker|medewerkster|personeelslid|werknemers|"
    r"medewerkers)\b", re.I)
_FOR_MYSELF = re.compile(r"\b(voor\s+(mezelf|mijzelf|mij|me)|ik\s+ben\s+(zelf\s+)?(ziek|werknemer))\b", re.I)
# Someone close (a partner, a parent, a child, a friend) asking to book for the person concerned.
_FOR_RELATIVE = re.compile(
    r"\b(voor|van)\s+(mijn|m'n|mn|ons|onze)\s+(man|vrouw|partner|echtgeno(o)?te?|lief|vriend|vriendin|"
    r"mama|moeder|ma|papa|vader|pa|zoon|dochter|kind|broer|zus|zuster|schoonmoeder|schoonvader|"
    r"schoonzoon|schoondochter|grootmoeder|grootvader|oma|opa|nonkel|tante|buurman|buurvrouw)\b"
    r"|\b(voor|namens)\s+(hem|haar|iemand\s+anders)\b", re.I)


# ---------------------------------------------------------------- the message itself


def message_text(message: dict | None) -> str:
    """The typed text; empty for button payloads ("/intent{...}"), which carry no words."""
    text = ((message or {}).get("text") or "").strip()
    return "" if text.startswith("/") else text


def message_intent(message: dict | None) -> str:
    return (((message or {}).get("intent") or {}).get("name")) or "nlu_fallback"


def booking_request_text(events: list[dict]) -> str:
    """The text of the user's latest booking request (the message before the consent answer)."""
    for event in reversed(events):
        if (event.get("event") == "user"
                and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == "book_intake"):
            return event.get("text") or ""
    return ""


def is_new_answer(events: list[dict]) -> bool:
    """Whether the latest user message is still unhandled, so the form may take it as an answer.

    Rasa's form hands its validation action a tracker that ends with the form's own action. The
    message is new when no other action (an answer to a question, say) ran after it; otherwise
    the form is only asking its question again and must not take that message a second time.
    """
    for event in reversed(events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in ("action_listen", FORM_NAME):
            return False
    return False


# ---------------------------------------------------------------- finding values in a message


def find_postcode(text: str) -> str | None:
    match = _POSTCODE_CANDIDATE.search(text)
    return match.group(0).strip() if match else None


def find_mutualiteit(text: str) -> str | None:
    """Canonical name, UNKNOWN_MUTUALITEIT for "weet ik niet", or None if none is named."""
    if not text:
        return None
    if _DONT_KNOW.search(text):
        return UNKNOWN_MUTUALITEIT
    found = normalize_mutualiteit(text)
    if found:
        return found
    words = re.findall(r"[\w&'-]+", text)
    for size in (5, 4, 3, 2, 1):
        for start in range(0, max(len(words) - size + 1, 0)):
            window = " ".join(words[start:start + size])
            found = normalize_mutualiteit(window)
            if found:
                return found
    return None


def strip_name_cue(text: str) -> str:
    return _NAME_CUE.sub("", text, count=1).strip()


def looks_like_a_question(text: str, entities: list[dict] | None = None) -> bool:
    return (
        "?" in text
        or bool(_QUESTION_START.match(text))
        or any(e.get("entity") == "measure" for e in entities or [])
        or len(text.split()) > 6
    )


def looks_like_a_name(text: str, entities: list[dict] | None = None) -> bool:
    return (
        bool(text)
        and re.sub(r"[^a-z ]+", "", fold(text)).strip() not in _NOT_A_NAME
        and not looks_like_a_question(text, entities)
    )


def find_correction(text: str, requested: str | None, filled: dict[str, object]) -> tuple[str, str] | None:
    """(slot, raw value) when the message corrects an earlier answer, else None.

    Only slots that were already answered and are not being asked right now can be corrected,
    and the message must say so ("eigenlijk", "toch", "fout", ...) and name the field.
    """
    if not text or not _CORRECTION_CUE.search(text):
        return None
    for slot, field_re in _CORRECTION_FIELDS:
        if slot == requested or filled.get(slot) is None or not field_re.search(text):
            continue
        if slot == CONTACT:
            value = find_contact(text)
        elif slot == POSTCODE:
            value = find_postcode(text)
        elif slot == MUTUALITEIT:
            value = find_mutualiteit(text)
            if value == UNKNOWN_MUTUALITEIT:
                value = None
        else:
            match = _NAME_AFTER.search(text)
            value = match.group("rest").strip(" .!") if match else None
        if value:
            return slot, value
    return None


def extract_for_slot(slot: str, text: str, intent: str, entities: list[dict] | None = None) -> str | None:
    """The raw value for the slot that was asked, or None to let the rules handle the message."""
    if not text or intent in EXIT_INTENTS:
        return None
    if slot == CONTACT and intent == "book_intake" and find_contact(text):
        return find_contact(text)  # "bel mij terug op 0470 …" answers the question that was asked
    if intent in OTHER_FLOW_INTENTS:
        return None
    question = intent in QUESTION_INTENTS
    if slot == NAME:
        if any(e.get("entity") == "role" for e in entities or []):
            return None  # "ik ben werkgever" is not a name: the role rule answers it
        if _NAME_CUE.match(text):
            return strip_name_cue(text) or text
        if question and not looks_like_a_name(text, entities):
            return None
        return text
    if slot == TOPIC:
        # Any text is a fine topic, a question about a measure too: the coordinator will answer it.
        return text
    finders = {CONTACT: find_contact, MUTUALITEIT: find_mutualiteit, POSTCODE: find_postcode}
    if slot not in finders:
        return None
    found = finders[slot](text)
    if found:
        return found
    return None if question else text


# ---------------------------------------------------------------- who the booking is for


def is_employer_request(text: str, role_entity: str | None, role_slot: str | None) -> bool:
    """An employer (by the role slot, or "voor mijn werknemer") asking to book for someone else."""
    if role_entity == "participant" or (text and _FOR_MYSELF.search(text)):
        return False
    if text and (_FOR_EMPLOYEE.search(text) or _MY_EMPLOYEE.search(text)):
        return True
    return (role_entity or role_slot) == "employer"


def is_relative_request(text: str, role_entity: str | None) -> bool:
    """Someone asking to book for a partner, parent, child or friend ("voor mijn man")."""
    if role_entity == "participant" or not text or _FOR_MYSELF.search(text):
        return False
    return bool(_FOR_RELATIVE.search(text))


def contact_in_request(text: str) -> str | None:
    """The phone number or e-mail address a booking request already gives ("bel mij terug op
    0470 12 34 56"), found with phonenumbers and validated; None when there is none or it is not valid."""
    found = find_contact(text or "")
    if not found:
        return None
    try:
        return validate_contact(found)
    except ValidationError:
        return None
