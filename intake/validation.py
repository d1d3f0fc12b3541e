"""Clean and check what people type before anything is stored.

Everything here returns plain text or raises `ValidationError` with a short Dutch message.
Values are always stored through bound parameters (SQLAlchemy), never interpolated into SQL,
and the front end sends them as plain text (no HTML/Markdown parse mode), so "<b>" or
"'; DROP TABLE" are just characters.
"""
from __future__ import annotations

import re
import unicodedata

import email_validator
import phonenumbers

from .errors import ValidationError

NAME_MAX = 100
TOPIC_MAX = 300
SENDER_ID_MAX = 128
QUESTION_MAX = 500

# The roles stored with an intake, with the label a coordinator reads.
ROLE_LABELS: dict[str, str] = {
    "participant": "werknemer of werkzoekende",
    "employer": "werkgever",
    "other": "andere (bv. familie, hulpverlener)",
}
_ROLE_ALIASES = {
    "participant": "participant", "werknemer": "participant", "deelnemer": "participant",
    "werkzoekende": "participant", "zieke": "participant", "ik": "participant",
    "employee": "participant",
    "employer": "employer", "werkgever": "employer", "hr": "employer", "zaakvoerder": "employer",
    "other": "other", "andere": "other", "anders": "other", "familie": "other",
    "hulpverlener": "other",
}

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


# ---------------------------------------------------------------- free text and names


def _strip_controls(text: str, *, keep_symbols: bool) -> str:
    """Drop control/format/private/unassigned characters; optionally symbols (emoji, <, >)."""
    out = []
    for ch in text:
        if ch in _ZERO_WIDTH:
            continue
        cat = unicodedata.category(ch)
        if cat.startswith("Z") or ch in "\t\n\r":
            out.append(" ")
        elif cat.startswith("C"):
            continue
        elif cat.startswith("S") and not keep_symbols:
            continue
        else:
            out.append(ch)
    return "".join(out)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rstrip()
    # Do not leave a dangling combining mark (an accent without its letter).
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut + "…"


def clean_text(raw: str | None, *, max_len: int = TOPIC_MAX, field: str = "text") -> str | None:
    """Trim, normalise (NFC), drop control characters, collapse spaces, limit the length.

    Emoji are kept (they are just text). Returns None for empty input.
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValidationError(field, "Dat begrijp ik niet. Typ het even als tekst.")
    text = unicodedata.normalize("NFC", raw)
    text = _strip_controls(text, keep_symbols=True)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    return _truncate(text, max_len)


def clean_name(raw: str | None, *, max_len: int = NAME_MAX) -> str:
    """A name as people write it: letters in any script, spaces, hyphens, apostrophes.

    Emoji and other symbols are dropped ("Jan 😊" → "Jan"); at least one letter is required.
    """
    if raw is None or not isinstance(raw, str):
        raise ValidationError("name", "Hoe mag de coördinator je noemen? Typ je naam.")
    text = unicodedata.normalize("NFC", raw)
    text = _strip_controls(text, keep_symbols=False)
    text = re.sub(r"\s+", " ", text).strip(" .,;:-_")
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        raise ValidationError("name", "Dat lijkt geen naam. Typ je voornaam (en naam).")
    return _truncate(text, max_len)


def validate_sender_id(raw: str | None) -> str:
    """The pseudonymous id from the chat front end: non-empty, no spaces, at most 128 chars."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("sender_id", "Er ging iets mis met je gesprek. Begin opnieuw.")
    value = raw.strip()
    if len(value) > SENDER_ID_MAX or any(ch.isspace() or not ch.isprintable() for ch in value):
        raise ValidationError("sender_id", "Er ging iets mis met je gesprek. Begin opnieuw.")
    return value


def as_id(value: int | str, field: str = "id") -> int:
    """An id from a button payload or slot value ("12", 12) as int; ValidationError otherwise."""
    if isinstance(value, bool):
        raise ValidationError(field, "Dat begrijp ik niet. Kies een van de knoppen.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(field, "Dat begrijp ik niet. Kies een van de knoppen.") from None
    if not 0 < number < 2**31:  # ids are 32-bit integers in PostgreSQL
        raise ValidationError(field, "Dat begrijp ik niet. Kies een van de knoppen.")
    return number


def normalize_role(raw: str | None) -> str:
    key = re.sub(r"[^a-z]", "", (raw or "").lower())
    if key in _ROLE_ALIASES:
        return _ROLE_ALIASES[key]
    raise ValidationError("role", "Ben je werknemer, werkgever of iemand anders?")


# ---------------------------------------------------------------- phone numbers (phonenumbers)

DEFAULT_REGION = "BE"  # a number without a country code is Belgian
_PHONE_ALLOWED = re.compile(r"^[\d\s+./\-()\u00a0]+$")
_INVALID_PHONE = "Dat telefoonnummer klopt niet. Typ het zo: 0470 12 34 56."
_BELGIAN_MOBILE = re.compile(r"4[5-9]")


def _acceptable(number: phonenumbers.PhoneNumber) -> bool:
    """Valid in phonenumbers' numbering plan of its country; for a Belgian landline, the length.

    phonenumbers knows which Belgian landline blocks are in use. A Belgian landline of the right
    length (8 digits after the 0) is accepted outside them too, as it always was: refusing a
    working number would stop a booking, and our own examples ("03 123 45 67") are such numbers.
    Mobile numbers are checked for real (04[5-9] and 9 digits): 8 digits after "04[5-9]" is a
    mobile number with a digit missing, not a landline in Liège. Foreign numbers are checked for
    real, with their country's plan.
    """
    if phonenumbers.is_valid_number(number):
        return True
    nsn = phonenumbers.national_significant_number(number)
    return (number.country_code == 32 and len(nsn) == 8 and nsn[0] != "0"
            and not _BELGIAN_MOBILE.match(nsn))


def normalize_phone(raw: str | None) -> str:
    """A phone number in any usual notation → E.164 ("+32470123456"); Belgian without a country code.

    Accepts "0470 12 34 56", "+32 470/12.34.56", "0032470123456", "+32 (0)470 12 34 56",
    "03 123 45 67", "470123456"; other countries with "+" or "00" ("+31 6 12345678"), checked
    against that country's numbering plan. Only digits and the usual separators are allowed, so
    "0470 12 34 56 ext 2" or "tel: 0470…" are refused rather than guessed at.
    """
    if raw is None or not isinstance(raw, str):
        raise ValidationError("phone", _INVALID_PHONE)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or not _PHONE_ALLOWED.match(text):
        raise ValidationError("phone", _INVALID_PHONE)
    compact = re.sub(r"[\s./\-()]", "", text)
    if compact.count("+") > 1 or ("+" in compact and not compact.startswith("+")):
        raise ValidationError("phone", _INVALID_PHONE)
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError("phone", _INVALID_PHONE) from None
    if not _acceptable(number):
        raise ValidationError("phone", _INVALID_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """How a stored number is shown: Belgian ones in the national notation ("+32470123456" →
    "0470 12 34 56", "+3231234567" → "03 123 45 67"); foreign ones as stored ("+31612345678")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code != 32 or not phonenumbers.is_possible_number(number):
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def find_phone(text: str) -> str | None:
    """The phone number in a sentence, as it was typed: "bel me op 0470 12 34 56 aub" → "0470 12 34 56".

    The first acceptable number (see `normalize_phone`) wins; without one, the first number of a
    possible length ("0499 11 22", a digit missing) is returned, so the form can say what is
    wrong with it. None when the sentence holds no phone number.
    """
    possible = None
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.POSSIBLE):
        if _acceptable(match.number):
            return match.raw_string
        possible = possible or match.raw_string
    return possible


# ---------------------------------------------------------------- e-mail (email-validator)

_INVALID_EMAIL = "Dat e-mailadres klopt niet. Typ het zo: naam@voorbeeld.be."
_EMAIL_TOKEN = re.compile(r"\S*@\S*")


def normalize_email(raw: str | None) -> str:
    """A trimmed e-mail address with a lower-case domain ("Jan@Voorbeeld.BE" → "Jan@voorbeeld.be").

    The syntax is checked by email-validator (strict, no internationalised local part, no
    special-use domains such as .test); whether the domain receives mail is not checked (no DNS
    lookups while someone waits for an answer). "mailto:" and "<…>" around the address are dropped.
    """
    if raw is None or not isinstance(raw, str):
        raise ValidationError("email", _INVALID_EMAIL)
    text = unicodedata.normalize("NFC", raw).strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    try:
        result = email_validator.validate_email(
            text.rstrip("."), check_deliverability=False, allow_smtputf8=False, strict=True)
    except email_validator.EmailNotValidError:
        raise ValidationError("email", _INVALID_EMAIL) from None
    if len(result.ascii_domain.rsplit(".", 1)[-1]) < 2:  # no top-level domain has one letter
        raise ValidationError("email", _INVALID_EMAIL)
    return result.normalized


def find_email(text: str) -> str | None:
    """The e-mail address in a sentence (the word with an @), without the punctuation around it."""
    match = _EMAIL_TOKEN.search(text)
    if not match:
        return None
    return match.group(0).strip(".,;:!?()<>\"'")


# ---------------------------------------------------------------- the intake form's answers
# The booking form (actions/intake_form.py) checks each answer with these and shows the message
# of the ValidationError as it is. They are stricter than what the storage functions above
# accept (a name with digits, an over-long topic are refused instead of cleaned or cut).

NAME_TOO_LONG = f"Die naam is te lang. Typ alleen je voornaam en familienaam (maximaal {NAME_MAX} tekens)."
NAME_BAD_CHARACTERS = "Een naam bestaat uit letters, en soms een - of '. Typ je voornaam en familienaam."
CONTACT_MISSING = (
    "Ik heb een telefoonnummer of e-mailadres nodig, zodat de coördinator je kan bereiken. "
    "Bijvoorbeeld 0470 12 34 56 of naam@voorbeeld.be."
)
EMAIL_INVALID = "Dat e-mailadres is niet volledig. Typ het zo: naam@voorbeeld.be."
TOPIC_TOO_LONG = f"Dat is wat lang. Vat het samen in een of twee zinnen (maximaal {TOPIC_MAX} tekens)."
TOPIC_EMPTY = "Vertel in een paar woorden waarover je wil praten."
_NAME_FORBIDDEN = re.compile(r"[0-9<>{}\[\]\\/|@#$%^*=_;:\"+~`]")


def find_contact(text: str) -> str | None:
    """An e-mail address (anything with an @) or else a phone number inside a sentence, as typed."""
    if "@" in text:
        return find_email(text)
    return find_phone(text)


def validate_name(raw: object) -> str:
    """A name as the form asks for it: letters, spaces, - and ' only, at most NAME_MAX characters."""
    if not isinstance(raw, str):
        raise ValidationError("name", NAME_BAD_CHARACTERS)
    text = raw.strip()
    if len(text) > NAME_MAX:
        raise ValidationError("name", NAME_TOO_LONG)
    if _NAME_FORBIDDEN.search(text):
        raise ValidationError("name", NAME_BAD_CHARACTERS)
    return clean_name(text)  # drops emoji; needs at least one letter


def validate_contact(raw: object) -> str:
    """A phone number (E.164) or a normalised e-mail address, also when typed inside a sentence."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("contact", CONTACT_MISSING)
    text = raw.strip()
    if "@" in text:
        try:
            return normalize_email(find_email(text) or text)
        except ValidationError:
            raise ValidationError("email", EMAIL_INVALID) from None
    if sum(ch.isdigit() for ch in text) < 6:
        raise ValidationError("contact", CONTACT_MISSING)
    return normalize_phone(find_phone(text) or text)


def validate_topic(raw: object) -> str:
    """What the person wants to talk about: at least two characters, at most TOPIC_MAX."""
    if isinstance(raw, str) and len(raw.strip()) > TOPIC_MAX:
        raise ValidationError("topic", TOPIC_TOO_LONG)
    text = clean_text(raw if isinstance(raw, str) else None, field="topic")
    if not text or len(text) < 2:
        raise ValidationError("topic", TOPIC_EMPTY)
    return text


# ---------------------------------------------------------------- questions without personal data

def scrub_personal_data(raw: str | None, *, max_len: int = QUESTION_MAX) -> str | None:
    """A question without personal data: see `intake.scrub` (names, contact data, addresses,
    national numbers and health details are replaced by placeholders)."""
    from .scrub import scrub_text

    return scrub_text(raw, max_len=max_len)
