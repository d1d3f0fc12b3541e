from __future__ import annotations

import pytest

from intake.errors import ValidationError
from intake.validation import (
    NAME_MAX,
    clean_name,
    clean_text,
    format_phone,
    normalize_email,
    normalize_phone,
    normalize_role,
    scrub_personal_data,
    validate_sender_id,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("+32 470/12.34.56", "+32470123456"),
        ("0032470123456", "+32470123456"),
        ("0470123456 ", "+32470123456"),
        ("0470/12.34.56", "+32470123456"),
        ("0470-12-34-56", "+32470123456"),
        ("+32 (0)470 12 34 56", "+32470123456"),
        ("+32 0470 12 34 56", "+32470123456"),
        ("32470123456", "+32470123456"),
        ("470123456", "+32470123456"),
        ("0032 (0) 470 12 34 56", "+32470123456"),
        ("\u00a00499\u00a099\u00a088\u00a077", "+32499998877"),
        ("０４７０１２３４５６", "+32470123456"),  # full-width digits from some keyboards
        ("03 123 45 67", "+3231234567"),
        ("02/123.45.67", "+3221234567"),
        ("09 223 45 67", "+3292234567"),
        ("011 22 33 44", "+3211223344"),
        ("04 221 11 11", "+3242211111"),  # Liège landline, 8 digits starting with 4
        ("0800 12 345", "+3280012345"),
        ("+31 6 12345678", "+31612345678"),  # Dutch mobile, with explicit country code
        ("0031612345678", "+31612345678"),
    ],
)
def test_phone_formats_become_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "", "   ", "abc", "0470 12 34 5",  # one digit short (would look like a Liège number)
        "0470 12 34 567", "+32 470 12 34 5678", "12345", "0470 12 34 56 ext 2",
        "tel: 0470123456", "+32+470123456", "0470 12 34 56; DROP TABLE intakes", "+0 123 456 789",
        "+1234567", "00", "0", "+32", "0012", "☎ 0470123456",
    ],
)
def test_invalid_phone_numbers_are_rejected(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert exc.value.field == "phone"
    assert "0470 12 34 56" in exc.value.message  # tells the person how to type it


def test_phone_display_format():
    assert format_phone("+32470123456") == "0470 12 34 56"
    assert format_phone("+3231234567") == "03 123 45 67"
    assert format_phone("+3211223344") == "011 22 33 44"
    assert format_phone("+31612345678") == "+31612345678"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jan.peeters@example.be", "jan.peeters@example.be"),
        ("  Jan.Peeters@Example.BE ", "Jan.Peeters@example.be"),
        ("mailto:an+tnw@voorbeeld.org", "an+tnw@voorbeeld.org"),
        ("<an@sub.voorbeeld.co.uk>", "an@sub.voorbeeld.co.uk"),
        ("chloé@café.be", None),  # non-ASCII local part: rejected
    ],
)
def test_email(raw, expected):
    if expected is None:
        with pytest.raises(ValidationError):
            normalize_email(raw)
    else:
        assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["jan", "jan@", "jan@localhost", "@example.be", "jan@@example.be", "jan peeters@example.be",
     "jan@example", "jan@exa_mple.be", "jan..p@example.be", ".jan@example.be", "jan@example.b",
     "a" * 65 + "@example.be", "jan@" + "a" * 250 + ".be", "", "<script>@x.be"],
)
def test_invalid_email(raw):
    with pytest.raises(ValidationError):
        normalize_email(raw)


def test_names_are_trimmed_cleaned_and_limited():
    assert clean_name("  Jan   Peeters ") == "Jan Peeters"
    assert clean_name("Jan 😊 Peeters") == "Jan Peeters"
    assert clean_name("Anne-Marie O'Neill") == "Anne-Marie O'Neill"
    assert clean_name("Zoë Ağca-Müller") == "Zoë Ağca-Müller"
    assert clean_name("محمد العلي") == "محمد العلي"
    assert clean_name("Jan\u200b\nPeeters\x00") == "Jan Peeters"
    long = clean_name("A" * 500)
    assert len(long) == NAME_MAX and long.endswith("…")
    # Stored as plain text: SQL and HTML are only characters (never interpolated anywhere).
    assert clean_name("Robert'); DROP TABLE intakes;--") == "Robert'); DROP TABLE intakes"
    assert clean_name("<b>Jan</b>") == "bJan/b"  # '<' and '>' are symbols, dropped from names


@pytest.mark.parametrize("raw", [None, "", "   ", "😊😊", "12345", "<>", "---"])
def test_names_need_a_letter(raw):
    with pytest.raises(ValidationError):
        clean_name(raw)


def test_free_text_keeps_emoji_drops_controls_and_is_limited():
    assert clean_text("  hallo\t\twereld 👋 ") == "hallo wereld 👋"
    assert clean_text("\x07") is None
    assert clean_text(None) is None
    text = clean_text("é" * 500, max_len=300)
    assert len(text) == 300 and text.endswith("…")
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_roles():
    assert normalize_role("werkgever") == "employer"
    assert normalize_role("Werknemer") == "participant"
    assert normalize_role("other") == "other"
    with pytest.raises(ValidationError):
        normalize_role("astronaut")


def test_sender_id():
    assert validate_sender_id(" telegram-abc ") == "telegram-abc"
    for bad in ["", "   ", "a b", "x" * 129, None, "tab\tid"]:
        with pytest.raises(ValidationError):
            validate_sender_id(bad)


def test_scrub_personal_data_from_questions():
    text = ("Ik ben Jan, bel me op 0470 12 34 56 of +32 3 123 45 67, mail jan@example.be; "
            "rijksregister 85.07.30-033.28, rekening BE68 5390 0754 7034, dossier 1234567")
    scrubbed = scrub_personal_data(text)
    for secret in ["0470", "123 45 67", "jan@example.be", "85.07.30", "BE68", "1234567"]:
        assert secret not in scrubbed
    assert "[telefoonnummer]" in scrubbed and "[e-mail]" in scrubbed
    assert "[rijksregisternummer]" in scrubbed and "[rekeningnummer]" in scrubbed
    # Ordinary numbers in a question stay: amounts, years, percentages.
    assert scrub_personal_data("Krijg ik VOP in 2026 voor 40% of 1500 euro?") == \
        "Krijg ik VOP in 2026 voor 40% of 1500 euro?"
    assert len(scrub_personal_data("woord " * 300)) <= 500
