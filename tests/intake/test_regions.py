from __future__ import annotations

import pytest

from intake.mutualiteiten import MUTUALITEITEN, normalize_mutualiteit
from intake.regions import (
    FLEMISH_PROVINCES,
    PROVINCES,
    expand_area,
    normalize_postcode,
    normalize_province,
    province_for_postcode,
)


@pytest.mark.parametrize(
    ("postcode", "province", "region"),
    [
        ("1000", "brussel", "brussel"), ("1030", "brussel", "brussel"), ("1210", "brussel", "brussel"),
        ("1299", "brussel", "brussel"), ("1300", "waals-brabant", "wallonie"),
        ("1500", "vlaams-brabant", "vlaanderen"), ("1800", "vlaams-brabant", "vlaanderen"),
        ("2000", "antwerpen", "vlaanderen"), ("2800", "antwerpen", "vlaanderen"),
        ("3000", "vlaams-brabant", "vlaanderen"), ("3499", "vlaams-brabant", "vlaanderen"),
        ("3500", "limburg", "vlaanderen"), ("3790", "limburg", "vlaanderen"),
        ("4000", "luik", "wallonie"), ("5000", "namen", "wallonie"),
        ("6000", "henegouwen", "wallonie"), ("6600", "luxemburg", "wallonie"),
        ("7000", "henegouwen", "wallonie"), ("8000", "west-vlaanderen", "vlaanderen"),
        ("8500", "west-vlaanderen", "vlaanderen"), ("9000", "oost-vlaanderen", "vlaanderen"),
        ("9999", "oost-vlaanderen", "vlaanderen"),
        (" B-9000 ", "oost-vlaanderen", "vlaanderen"), ("BE 2000", "antwerpen", "vlaanderen"),
        ("b3500", "limburg", "vlaanderen"), (1000, "brussel", "brussel"),
    ],
)
def test_postcode_to_province_and_region(postcode, province, region):
    found = province_for_postcode(postcode)
    assert found is not None
    assert (found.code, found.region) == (province, region)


@pytest.mark.parametrize(
    "postcode",
    ["75001", "NL-1234", "NL 1234", "F-59000", "0999", "0000", "999", "10000", "abcd", "", None,
     "9000a", "L-1234", "9 000"],
)
def test_not_a_belgian_postcode(postcode):
    assert normalize_postcode(postcode) is None
    assert province_for_postcode(postcode) is None


def test_every_postcode_has_exactly_one_province():
    for number in range(1000, 10000):
        assert province_for_postcode(str(number)) is not None


def test_province_names_people_type():
    assert normalize_province("Oost Vlaanderen") == "oost-vlaanderen"
    assert normalize_province("oost-vlaanderen") == "oost-vlaanderen"
    assert normalize_province("Antwerp") == "antwerpen"
    assert normalize_province("BXL") == "brussel"
    assert normalize_province("Liège") == "luik"
    assert normalize_province("Atlantis") is None
    assert set(expand_area("Vlaanderen")) == set(FLEMISH_PROVINCES)
    assert len(FLEMISH_PROVINCES) == 5
    assert expand_area("west vlaanderen") == ("west-vlaanderen",)
    with pytest.raises(ValueError):
        expand_area("Atlantis")
    assert all(normalize_province(p.name) == code for code, p in PROVINCES.items())


def test_mutualiteiten():
    assert "CM" in MUTUALITEITEN and "Helan" in MUTUALITEITEN and "Solidaris" in MUTUALITEITEN
    assert normalize_mutualiteit("christelijke mutualiteit") == "CM"
    assert normalize_mutualiteit("Partena") == "Helan"
    assert normalize_mutualiteit("bond moyson") == "Solidaris"
    assert normalize_mutualiteit("LM") == "Liberale Mutualiteit"
    assert normalize_mutualiteit("VNZ") == "Vlaams & Neutraal Ziekenfonds"
    assert normalize_mutualiteit("weet ik niet") is None
    assert all(normalize_mutualiteit(m) == m for m in MUTUALITEITEN)
