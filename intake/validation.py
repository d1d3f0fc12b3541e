"""Clean and check what people type before anything is stored.

Everything here returns plain text or raises `ValidationError` with a short Dutch message.
Values are always stored through bound parameters (SQLAlchemy), never interpolated into SQL,
and the front end sends them as plain text (no HTML/Markdown parse mode), so "<b>" or
"'; DROP TABLE" are just characters.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import ValidationError

NAME_MAX = 100
TOPIC_MAX = 300
EMAIL_MAX = 254
SENDER_ID_MAX = 128
QUESTION_MAX = 500

ROLES: dict[str, str] = {
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


# ---------------------------------------------------------------- phone numbers

_PHONE_ALLOWED = re.compile(r"^[\d\s+./\-()\u00a0]+$")
_INVALID_PHONE = "Dat telefoonnummer klopt niet. Typ het zo: 0470 12 34 56."


def _belgian_nsn_ok(nsn: str) -> bool:
    """National significant number (without 0 or +32): mobile 4[5-9]xxxxxxx, else 8 digits."""
    if not nsn.isdigit() or nsn[0] == "0":
        return False
    if len(nsn) == 9:
        return nsn[0] == "4" and nsn[1] in "56789"
    if len(nsn) == 8:
        # 04x xx xx xx with x in 5–9 is a mobile number with a digit missing, not Liège.
        return not (nsn[0] == "4" and nsn[1] in "56789")
    return False


def normalize_phone(raw: str | None) -> str:
    """Belgian (or international) phone number in any usual notation → E.164 ("+32470123456").

    Accepts "0470 12 34 56", "+32 470/12.34.56", "0032470123456", "+32 (0)470 12 34 56",
    "03 123 45 67", "470123456". Other countries only with "+" or "00" and 8–15 digits.
    """
    if raw is None or not isinstance(raw, str):
        raise ValidationError("phone", _INVALID_PHONE)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or not _PHONE_ALLOWED.match(text):
        raise ValidationError("phone", _INVALID_PHONE)
    text = text.replace("(0)", "")
    if "(" in text or ")" in text:
        text = text.replace("(", "").replace(")", "")
    compact = re.sub(r"[\s./\-\u00a0]", "", text)
    if compact.count("+") > 1 or ("+" in compact and not compact.startswith("+")):
        raise ValidationError("phone", _INVALID_PHONE)

    if compact.startswith("+"):
        international = compact[1:]
    elif compact.startswith("00"):
        international = compact[2:]
    elif compact.startswith("0"):
        international = "32" + compact[1:]
    elif compact.startswith("32") and len(compact) in (10, 11):
        international = compact
    elif _belgian_nsn_ok(compact) and len(compact) == 9:
        international = "32" + compact  # mobile number typed without the leading 0
    else:
        raise ValidationError("phone", _INVALID_PHONE)

    if not international.isdigit():
        raise ValidationError("phone", _INVALID_PHONE)
    if international.startswith("32"):
        nsn = international[2:]
        if nsn.startswith("0"):
            nsn = nsn[1:]  # "+32 0470 …": the trunk 0 typed after the country code
        if not _belgian_nsn_ok(nsn):
            raise ValidationError("phone", _INVALID_PHONE)
        return "+32" + nsn
    if international.startswith("0") or not 8 <= len(international) <= 15:
        raise ValidationError("phone", _INVALID_PHONE)
    return "+" + international


def format_phone(e164: str) -> str:
    """Readable Belgian notation for display: "+32470123456" → "0470 12 34 56"."""
    if not e164.startswith("+32"):
        return e164
    nsn = e164[3:]
    if len(nsn) == 9:
        return f"0{nsn[:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:]}"
    if len(nsn) == 8 and nsn[0] in "2349":
        return f"0{nsn[0]} {nsn[1:4]} {nsn[4:6]} {nsn[6:]}"
    if len(nsn) == 8:
        return f"0{nsn[:2]} {nsn[2:4]} {nsn[4:6]} {nsn[6:]}"
    return e164


# ---------------------------------------------------------------- e-mail

_LOCAL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_INVALID_EMAIL = "Dat e-mailadres klopt niet. Typ het zo: naam@voorbeeld.be."


def normalize_email(raw: str | None) -> str:
    """Trimmed e-mail address with a lower-case domain; requires name@domain.tld."""
    if raw is None or not isinstance(raw, str):
        raise ValidationError("email", _INVALID_EMAIL)
    text = unicodedata.normalize("NFC", raw).strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not text or len(text) > EMAIL_MAX or text.count("@") != 1:
        raise ValidationError("email", _INVALID_EMAIL)
    local, domain = text.split("@")
    domain = domain.lower().rstrip(".")
    if not local or len(local) > 64 or not _LOCAL_RE.match(local):
        raise ValidationError("email", _INVALID_EMAIL)
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError("email", _INVALID_EMAIL) from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        raise ValidationError("email", _INVALID_EMAIL)
    if not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1]):
        raise ValidationError("email", _INVALID_EMAIL)
    return f"{local}@{domain}"


# ---------------------------------------------------------------- questions without personal data

def scrub_personal_data(raw: str | None, *, max_len: int = QUESTION_MAX) -> str | None:
    """A question without personal data: see `intake.scrub` (names, contact data, addresses,
    national numbers and health details are replaced by placeholders)."""
    from .scrub import scrub_text

    return scrub_text(raw, max_len=max_len)
