"""Phone numbers through phonenumbers (region BE) and e-mail addresses through email-validator."""
from __future__ import annotations

import pytest

from intake.errors import ValidationError
from intake.validation import (
    CONTACT_MISSING,
    EMAIL_INVALID,
    find_contact,
    find_email,
    find_phone,
    format_phone,
    normalize_email,
    normalize_phone,
    validate_contact,
)

# ---------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(("raw", "expected"), [
    ("0470 12 34 56", "+32470123456"),  # Belgian mobile, national notation
    ("0499/88.77.66", "+32499887766"),
    ("+32 486 21 43 65", "+32486214365"),
    ("09 223 45 67", "+3292234567"),  # Ghent landline
    ("015 21 43 65", "+3215214365"),  # Mechelen landline (two-digit area code)
    ("02 512 34 56", "+3225123456"),  # Brussels
    ("04 221 11 11", "+3242211111"),  # Liège: 8 digits starting with 4 is a landline
    ("0800 12 345", "+3280012345"),  # free number
])
def test_belgian_numbers_are_valid(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", [
    "0470 12 34 5",  # a mobile number with a digit missing (not a Liège landline)
    "0470 12 34 567",  # a digit too many
    "0370 12 34 56",  # 9 digits that are not a mobile number
    "0412 34 56 78",  # 04 then 9 digits: no mobile range starts with 41
    "02 123 45",  # a landline too short
])
def test_belgian_numbers_that_cannot_exist_are_refused(raw):
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert info.value.field == "phone" and "0470 12 34 56" in info.value.message


@pytest.mark.parametrize(("raw", "expected"), [
    ("+31 6 12345678", "+31612345678"),  # Dutch mobile
    ("0031 20 123 4567", "+31201234567"),  # Amsterdam, with the international prefix
    ("+33 6 12 34 56 78", "+33612345678"),  # French mobile
    ("+33 1 42 68 53 00", "+33142685300"),  # Paris
    ("+352 621 123 456", "+352621123456"),  # Luxembourg mobile
])
def test_foreign_numbers_are_valid_in_their_own_numbering_plan(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", [
    "+31 6 1234567",  # Dutch mobile one digit short: 10 digits, which a length check would pass
    "+33 6 12 34 56 7",  # French mobile one digit short
    "+33 0 12 34 56 78",  # no French number starts with 0 after the country code
    "+1 555 0100",  # too short for North America
    "+999 1234 5678",  # no such country code
])
def test_foreign_numbers_are_checked_for_real_not_by_length(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_phone_numbers_are_shown_in_the_belgian_way():
    assert format_phone("+32486214365") == "0486 21 43 65"
    assert format_phone("+3292234567") == "09 223 45 67"
    assert format_phone("+3215214365") == "015 21 43 65"
    assert format_phone("+3280012345") == "0800 12 345"
    assert format_phone("+33612345678") == "+33612345678"  # foreign numbers as stored
    assert format_phone("not a number") == "not a number"


@pytest.mark.parametrize(("sentence", "found"), [
    ("bel me op 0470 12 34 56 aub", "0470 12 34 56"),
    ("Mijn gsm: 0499/88.77.66, na 17u", "0499/88.77.66"),
    ("je kan me bereiken op +31 6 12345678 (Nederland)", "+31 6 12345678"),
    ("bel 0470 12 34 5 of beter 0486 21 43 65", "0486 21 43 65"),  # a valid number wins
    ("mijn nummer is eigenlijk 0499 11 22", "0499 11 22"),  # possible but wrong: found, to be refused
    ("ik woon in 9000 Gent", None),
    ("mijn afspraak is op 12/03/2025 om 14u", None),
    ("", None),
])
def test_a_phone_number_is_found_inside_a_sentence(sentence, found):
    assert find_phone(sentence) == found


def test_a_number_found_in_a_sentence_validates():
    assert normalize_phone(find_phone("bel me op 0470 12 34 56 aub")) == "+32470123456"
    assert validate_contact("bel me op 0470 12 34 56 aub") == "+32470123456"


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize(("raw", "expected"), [
    ("an.peeters@telenet.be", "an.peeters@telenet.be"),
    ("An.Peeters@Telenet.BE", "An.Peeters@telenet.be"),  # the domain in lower case, the name as typed
    ("  <jan+tnw@voorbeeld.org> ", "jan+tnw@voorbeeld.org"),
    ("mailto:jan@voorbeeld.be", "jan@voorbeeld.be"),
    ("jan@café.be", "jan@café.be"),  # an internationalised domain is fine
])
def test_e_mail_addresses_without_errors(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize("raw", [
    "jan.voorbeeld.be",  # no @
    "jan@voorbeeld",  # no top-level domain
    "jan@voorbeeld.b",  # a one-letter top-level domain does not exist
    "jan@@voorbeeld.be",
    "jan..peeters@voorbeeld.be",
    "jan peeters@voorbeeld.be",
    "jan@voorbeeld..be",
    "jan@voorbeeld.test",  # a special-use domain never receives mail
    "jan@-voorbeeld.be",
    "chloé@voorbeeld.be",  # a non-ASCII name: not every mail server takes it
    "a" * 65 + "@voorbeeld.be",  # the name before the @ is at most 64 characters
])
def test_e_mail_addresses_with_errors(raw):
    with pytest.raises(ValidationError) as info:
        normalize_email(raw)
    assert info.value.field == "email" and "naam@voorbeeld.be" in info.value.message


def test_no_dns_lookup_is_needed():
    # A domain that receives no mail is accepted: deliverability is not checked (no network).
    assert normalize_email("jan@nergens-zo-een-domein-tnw.be") == "jan@nergens-zo-een-domein-tnw.be"


def test_an_e_mail_address_is_found_inside_a_sentence():
    assert find_email("mijn mail is jan@voorbeeld.be.") == "jan@voorbeeld.be"
    assert find_contact("mail naar (an@voorbeeld.be) aub") == "an@voorbeeld.be"
    assert find_contact("bel me op 0470 12 34 56") == "0470 12 34 56"
    assert find_contact("geen gegevens") is None


def test_the_form_asks_again_with_a_dutch_reason():
    with pytest.raises(ValidationError) as info:
        validate_contact("jan@voorbeeld")
    assert info.value.message == EMAIL_INVALID
    with pytest.raises(ValidationError) as info:
        validate_contact("dat zeg ik liever niet")
    assert info.value.message == CONTACT_MISSING
