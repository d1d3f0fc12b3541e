"""What the booking conversation reads from a message, and how it phrases its answers.

Pure functions (no Rasa, no database), so every rule about names, phone numbers, postcodes and
corrections can be tested on its own. Personal data never goes to a log from here.

The intake form (`intake_form`) uses custom slot mappings: `validate_intake_form` decides per
message whether it fills the slot that was asked, corrects an earlier answer, or is something
else (a question about a measure, "stop", ...) that the form lets the rules handle.
"""
from __future__ import annotations

import re
import unicodedata

from actions.formatting import intent_payload
from intake import (
    BUTTON_LABELS,
    MUTUALITEITEN,
    IntakeView,
    SlotOption,
    ValidationError,
    clean_name,
    clean_text,
    normalize_email,
    normalize_mutualiteit,
    normalize_phone,
    normalize_postcode,
    province_for_postcode,
)
from intake.validation import NAME_MAX, TOPIC_MAX, format_phone

# ---------------------------------------------------------------- slots and intents

NAME, CONTACT, MUTUALITEIT, POSTCODE, TOPIC = (
    "intake_name", "intake_contact", "intake_mutualiteit", "intake_postcode", "intake_topic",
)
FORM_SLOTS = (NAME, CONTACT, MUTUALITEIT, POSTCODE, TOPIC)
FORM_NAME = "intake_form"
STEP_SLOT = "tnw_step"  # featurized: which question is waiting for a yes/no (see the rules)
RESCHEDULE_SLOT = "reschedule_intake_id"
SLOT_ID_ENTITY = "slot_id"
UNKNOWN_MUTUALITEIT = "onbekend"
NONE_FITS = "geen"  # slot_id of the "none of these fit" button

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
_NAME_FORBIDDEN = re.compile(r"[0-9<>{}\[\]\\/|@#$%^*=_;:\"+~`]")

_EMAIL_TOKEN = re.compile(r"\S*@\S*")
_PHONE_CANDIDATE = re.compile(r"(?:\+|\b00|\b0|\b)\d(?:[\d\s./\-()]*\d)?")
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

QUESTIONS = {
    NAME: "Hoe mag de coördinator je noemen? Typ je voornaam en familienaam.",
    CONTACT: "Hoe kan de coördinator je bereiken? Typ je telefoonnummer of e-mailadres.",
    MUTUALITEIT: "Bij welk ziekenfonds ben je aangesloten?",
    POSTCODE: "Wat is je postcode? Dan zoek ik een coördinator in je buurt.",
    TOPIC: "Waarover wil je praten? Een of twee zinnen is genoeg.",
}

FIELD_NL = {
    NAME: "naam", CONTACT: "telefoonnummer of e-mailadres", MUTUALITEIT: "ziekenfonds",
    POSTCODE: "postcode", TOPIC: "vraag",
}


def message_text(message: dict | None) -> str:
    """The typed text; empty for button payloads ("/intent{...}"), which carry no words."""
    text = ((message or {}).get("text") or "").strip()
    return "" if text.startswith("/") else text


def message_intent(message: dict | None) -> str:
    return (((message or {}).get("intent") or {}).get("name")) or "nlu_fallback"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z ]+", "", text).strip()


# ---------------------------------------------------------------- finding values in a message


def find_email(text: str) -> str | None:
    match = _EMAIL_TOKEN.search(text)
    if not match:
        return None
    return match.group(0).strip(".,;:!?()<>\"'")


def find_phone(text: str) -> str | None:
    """The longest run of digits (with the usual separators) that has at least 8 digits."""
    best = None
    for match in _PHONE_CANDIDATE.finditer(text):
        candidate = match.group(0).strip(" ./-()")
        if sum(ch.isdigit() for ch in candidate) >= 8 and (best is None or len(candidate) > len(best)):
            best = candidate
    return best


def find_contact(text: str) -> str | None:
    """An e-mail address (anything with @) or a phone number inside a sentence."""
    if "@" in text:
        return find_email(text)
    return find_phone(text)


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
        and _fold(text) not in _NOT_A_NAME
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
    if slot == CONTACT:
        found = find_contact(text)
        if found:
            return found
        return None if question else text
    if slot == MUTUALITEIT:
        found = find_mutualiteit(text)
        if found:
            return found
        return None if question else text
    if slot == POSTCODE:
        found = find_postcode(text)
        if found:
            return found
        return None if question else text
    if slot == TOPIC:
        # Any text is a fine topic, a question about a measure too: the coordinator will answer it.
        return text
    return None


# ---------------------------------------------------------------- validation (Dutch answers)

NAME_TOO_LONG = f"Die naam is te lang. Typ alleen je voornaam en familienaam (maximaal {NAME_MAX} tekens)."
NAME_BAD_CHARACTERS = "Een naam bestaat uit letters, en soms een - of '. Typ je voornaam en familienaam."
CONTACT_MISSING = (
    "Ik heb een telefoonnummer of e-mailadres nodig, zodat de coördinator je kan bereiken. "
    "Bijvoorbeeld 0470 12 34 56 of naam@voorbeeld.be."
)
EMAIL_INVALID = "Dat e-mailadres is niet volledig. Typ het zo: naam@voorbeeld.be."
MUTUALITEIT_UNKNOWN = "Dat ziekenfonds ken ik niet. Kies er een met de knoppen hieronder."
POSTCODE_NOT_BELGIAN = (
    "Dat is geen Belgische postcode. Typ je postcode met 4 cijfers, bijvoorbeeld 9000. "
    "Woon je niet in België? Dan helpt je ziekenfonds je verder."
)
TOPIC_TOO_LONG = f"Dat is wat lang. Vat het samen in een of twee zinnen (maximaal {TOPIC_MAX} tekens)."
TOPIC_EMPTY = "Vertel in een paar woorden waarover je wil praten."


def validate_name(raw: object) -> str:
    if not isinstance(raw, str):
        raise ValidationError("name", NAME_BAD_CHARACTERS)
    text = raw.strip()
    if len(text) > NAME_MAX:
        raise ValidationError("name", NAME_TOO_LONG)
    if _NAME_FORBIDDEN.search(text):
        raise ValidationError("name", NAME_BAD_CHARACTERS)
    return clean_name(text)  # drops emoji; needs at least one letter


def validate_contact(raw: object) -> str:
    """E.164 phone number or a normalised e-mail address."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("contact", CONTACT_MISSING)
    text = raw.strip()
    if "@" in text:
        email = find_email(text) or text
        try:
            return normalize_email(email)
        except ValidationError:
            raise ValidationError("email", EMAIL_INVALID) from None
    if sum(ch.isdigit() for ch in text) < 6:
        raise ValidationError("contact", CONTACT_MISSING)
    return normalize_phone(find_phone(text) or text)


def validate_mutualiteit(raw: object) -> str:
    if raw == UNKNOWN_MUTUALITEIT:
        return UNKNOWN_MUTUALITEIT
    found = find_mutualiteit(raw) if isinstance(raw, str) else None
    if not found:
        raise ValidationError("mutualiteit", MUTUALITEIT_UNKNOWN)
    return found


def validate_postcode(raw: object) -> str:
    code = normalize_postcode(raw.strip() if isinstance(raw, str) else raw)
    if code is None:
        raise ValidationError("postcode", POSTCODE_NOT_BELGIAN)
    return code


def validate_topic(raw: object) -> str:
    if isinstance(raw, str) and len(raw.strip()) > TOPIC_MAX:
        raise ValidationError("topic", TOPIC_TOO_LONG)
    text = clean_text(raw if isinstance(raw, str) else None, field="topic")
    if not text or len(text) < 2:
        raise ValidationError("topic", TOPIC_EMPTY)
    return text


VALIDATORS = {
    NAME: validate_name, CONTACT: validate_contact, MUTUALITEIT: validate_mutualiteit,
    POSTCODE: validate_postcode, TOPIC: validate_topic,
}


def show_value(slot: str, value: str) -> str:
    """How a corrected value is read back to the person."""
    if slot == CONTACT and value.startswith("+"):
        return format_phone(value)
    if slot == MUTUALITEIT:
        return BUTTON_LABELS.get(value, value)
    if slot == POSTCODE:
        province = province_for_postcode(value)
        return f"{value} ({province.name})" if province else value
    return value


# ---------------------------------------------------------------- texts and buttons

CONSENT_QUESTION = "\n".join([
    "Fijn, dan plannen we een gesprek met een terug-naar-werk-coördinator. Eerst dit:",
    "• Wat bewaar ik? Je naam, je telefoonnummer of e-mailadres, je ziekenfonds, je postcode "
    "en kort waarover je wil praten.",
    "• Waarom? Om het gesprek te plannen, zodat de coördinator je kan contacteren.",
    "• Waarover je wil praten, kan over je gezondheid gaan. Dat zijn gevoelige gegevens.",
    "• Wie ziet het? Alleen de coördinator van je afspraak. Die krijgt je gegevens via Telegram.",
    "• Hoe lang? Tot een jaar na je afspraak. Daarna wis ik je gegevens.",
    "Je kan ze altijd bekijken of laten wissen. Typ dan 'mijn gegevens' of 'wis mijn gegevens'.",
    "Ga je akkoord?",
])
CONSENT_BUTTONS = [
    {"title": "Ja, dat is goed", "payload": "/affirm"},
    {"title": "Nee", "payload": "/deny"},
]
CONSENT_REFUSED = "Geen probleem. Ik bewaar niets van je. Je kan de coördinator ook zelf contacteren:"
CONSENT_KNOWN = "Fijn, dan plannen we een gesprek met een terug-naar-werk-coördinator."
FORM_STOPPED = "Oké, ik stop hier. Ik heb niets van je gegevens bewaard."
STOP_ACK = "Oké. Zeg het gerust als ik je ergens anders mee kan helpen."
DB_PROBLEM = "Sorry, er ging iets mis bij het plannen. Er is niets bewaard. Je kan de coördinator ook zelf contacteren:"
PICK_SLOT = "Wanneer past het je? Kies een moment:"
NO_SLOTS = "Er is nu geen vrij moment om online te boeken. Ik heb niets van je gegevens bewaard."
SLOT_TAKEN = "Dat moment is net ingenomen door iemand anders. Kies een ander moment:"
SLOT_TAKEN_NO_ALTERNATIVES = "Dat moment is net ingenomen door iemand anders, en er is geen ander vrij moment meer."
SLOT_GONE = "Dat moment kan niet meer. Kies een ander moment:"
ALREADY_YOURS = "Dat moment is al voor jou geboekt. Je hoeft niets meer te doen."
BUTTON_EXPIRED = "Die knop is niet meer geldig. Wil je een gesprek plannen?"
NONE_FITS_TEXT = "Geen probleem. Je kan de coördinator ook zelf contacteren:"
NO_APPOINTMENT = "Je hebt nu geen afspraak gepland. Wil je er een maken?"
ASK_CANCEL = "Wil je je afspraak van {when} met {coordinator} annuleren?"
CANCELLED = "Je afspraak van {when} is geannuleerd. De coördinator is verwittigd."
CANCEL_KEPT = "Oké, je afspraak blijft staan."
PICK_NEW_SLOT = "Je afspraak is nu op {when}. Kies een nieuw moment:"
RESCHEDULED = "Je afspraak is verplaatst."
NO_SLOTS_RESCHEDULE = "Er is nu geen ander vrij moment. Je afspraak van {when} blijft staan."

EMPLOYER_TEXT = "\n".join([
    "Fijn dat je je werknemer wil helpen!",
    "Een gesprek met een terug-naar-werk-coördinator is vrijwillig. Je werknemer maakt die "
    "afspraak zelf, bij zijn of haar eigen ziekenfonds.",
    "Wat jij als werkgever kan doen:",
    "• Vertel je werknemer dat die coördinator bestaat. Je werknemer kan ook zelf met mij praten.",
    "• Start een re-integratietraject via de arbeidsarts (kan na 3 maanden ongeschiktheid).",
    "• Bekijk de steun voor werkgevers: BTOM voor aanpassingen op de werkplek, individueel "
    "maatwerk en jobcoaching.",
    "Waarover wil je meer weten?",
])
EMPLOYER_BUTTONS = [
    {"title": "Re-integratietraject", "payload": intent_payload("ask_measure", measure="reintegratietraject")},
    {"title": "BTOM (aanpassingen)", "payload": intent_payload("ask_measure", measure="btom")},
    {"title": "Individueel maatwerk", "payload": intent_payload("ask_measure", measure="individueel_maatwerk")},
    {"title": "Jobcoaching", "payload": intent_payload("ask_measure", measure="jobcoaching")},
]
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

RELATIVE_TEXT = "\n".join([
    "Fijn dat je mee wil helpen.",
    "Een gesprek met een terug-naar-werk-coördinator is vrijwillig. Het gaat over de gezondheid en de "
    "gegevens van je naaste. Daarom maakt die persoon de afspraak zelf, of zegt die zelf dat het goed is.",
    "Zo kan je helpen:",
    "• Vertel je naaste dat die coördinator bestaat. Het kost niets.",
    "• Praat samen met mij, vanaf de telefoon of de Telegram van je naaste.",
    "• Of bel samen het ziekenfonds van je naaste en vraag naar de terug-naar-werk-coördinator.",
])
RELATIVE_BUTTONS = [
    {"title": "Wat doet een coördinator?", "payload": intent_payload("ask_measure", measure="tnw_coordinator")},
    {"title": "Het is toch voor mezelf", "payload": intent_payload("book_intake", role="participant")},
]
CONTACT_NOTED = ("Ik noteer {contact} om je te contacteren. Klopt dat niet? "
                 "Typ dan gewoon het juiste nummer of e-mailadres als ik erom vraag.")

MY_APPOINTMENT_BUTTON = {"title": "Mijn afspraak", "payload": "/my_appointment"}
RESCHEDULE_BUTTON = {"title": "Verplaatsen", "payload": "/reschedule_appointment"}
CANCEL_BUTTON = {"title": "Annuleren", "payload": "/cancel_appointment"}
YES_NO_BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


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
    0470 12 34 56"), validated; None when there is none or it is not valid."""
    found = find_contact(text or "")
    if not found:
        return None
    try:
        return validate_contact(found)
    except ValidationError:
        return None


def slot_payload(slot_id: int | str) -> str:
    return intent_payload("inform", **{SLOT_ID_ENTITY: str(slot_id)})


def slot_buttons(options: list[SlotOption], *, none_fits: bool = True) -> list[dict[str, str]]:
    buttons = [{"title": o.button_label, "payload": slot_payload(o.slot_id)} for o in options]
    if none_fits:
        buttons.append({"title": "Geen van deze past", "payload": slot_payload(NONE_FITS)})
    return buttons


def mutualiteit_buttons() -> list[dict[str, str]]:
    # The payload is the canonical name as text: it fills the slot however NLU classifies it.
    buttons = [{"title": BUTTON_LABELS.get(m, m), "payload": m} for m in MUTUALITEITEN]
    buttons.append({"title": "Ik weet het niet", "payload": "Ik weet het niet"})
    return buttons


def contact_line(view: IntakeView) -> str:
    if view.phone:
        return f"op {format_phone(view.phone)}"
    return f"via {view.email}"


def confirmation_text(view: IntakeView, *, rescheduled: bool = False) -> str:
    start = "Je afspraak is verplaatst." if rescheduled else "Je afspraak staat vast!"
    return "\n".join([
        start,
        f"📅 {view.when} (Belgische tijd)",
        f"👤 {view.coordinator_name}, terug-naar-werk-coördinator "
        f"({BUTTON_LABELS.get(view.coordinator_mutualiteit, view.coordinator_mutualiteit)})",
        f"De coördinator contacteert je {contact_line(view)}.",
        "Handig om klaar te leggen:",
        "• je identiteitskaart",
        "• je medische attesten, als je die hebt",
        "• de naam van je arbeidsarts, als je die kent",
        "• je vragen (schrijf ze gerust op)",
        "Kan je niet? Typ 'mijn afspraak' om te annuleren of te verplaatsen.",
    ])


def appointment_text(view: IntakeView) -> str:
    return "\n".join([
        "Je afspraak:",
        f"📅 {view.when} (Belgische tijd)",
        f"👤 {view.coordinator_name} "
        f"({BUTTON_LABELS.get(view.coordinator_mutualiteit, view.coordinator_mutualiteit)})",
        "Wil je iets veranderen?",
    ])
