"""Belgian postcodes → province and region.

Belgian postcodes are four digits (1000–9999) and their first digits follow the provinces:

    1000–1299 Brussels-Capital Region     1300–1499 Walloon Brabant
    1500–1999 Flemish Brabant             2000–2999 Antwerp
    3000–3499 Flemish Brabant             3500–3999 Limburg
    4000–4999 Liège                       5000–5999 Namur
    6000–6599 Hainaut                     6600–6999 Luxembourg
    7000–7999 Hainaut                     8000–8999 West Flanders
    9000–9999 East Flanders

Brussels is not a province; it is treated as one "area" code (`brussel`) so coordinators and
intakes can use one field. Codes are stable lower-case ASCII; names are Dutch for display.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dutch_text import fold

VLAANDEREN = "vlaanderen"
BRUSSEL = "brussel"
WALLONIE = "wallonie"

REGION_NAMES = {VLAANDEREN: "Vlaanderen", BRUSSEL: "Brussel", WALLONIE: "Wallonië"}


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    region: str

    @property
    def region_name(self) -> str:
        return REGION_NAMES[self.region]


PROVINCES: dict[str, Province] = {
    p.code: p
    for p in (
        Province("antwerpen", "Antwerpen", VLAANDEREN),
        Province("limburg", "Limburg", VLAANDEREN),
        Province("oost-vlaanderen", "Oost-Vlaanderen", VLAANDEREN),
        Province("vlaams-brabant", "Vlaams-Brabant", VLAANDEREN),
        Province("west-vlaanderen", "West-Vlaanderen", VLAANDEREN),
        Province("brussel", "Brussel", BRUSSEL),
        Province("waals-brabant", "Waals-Brabant", WALLONIE),
        Province("henegouwen", "Henegouwen", WALLONIE),
        Province("luik", "Luik", WALLONIE),
        Province("luxemburg", "Luxemburg", WALLONIE),
        Province("namen", "Namen", WALLONIE),
    )
}

FLEMISH_PROVINCES: tuple[str, ...] = tuple(c for c, p in PROVINCES.items() if p.region == VLAANDEREN)

# (first postcode, last postcode, province code), inclusive ranges covering 1000–9999.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (1000, 1299, "brussel"),
    (1300, 1499, "waals-brabant"),
    (1500, 1999, "vlaams-brabant"),
    (2000, 2999, "antwerpen"),
    (3000, 3499, "vlaams-brabant"),
    (3500, 3999, "limburg"),
    (4000, 4999, "luik"),
    (5000, 5999, "namen"),
    (6000, 6599, "henegouwen"),
    (6600, 6999, "luxemburg"),
    (7000, 7999, "henegouwen"),
    (8000, 8999, "west-vlaanderen"),
    (9000, 9999, "oost-vlaanderen"),
)

# Belgian postcode as people type it: "9000", "B-9000", "BE 9000", "B9000".
_POSTCODE_RE = re.compile(r"^(?:(?:BE?)[\s-]?)?(\d{4})$", re.IGNORECASE)


def normalize_postcode(raw: str | int | None) -> str | None:
    """Return the four-digit Belgian postcode, or None if `raw` is not one.

    "75001" (Paris) and "NL-1234" are not Belgian: None. Neither is "0999" (no such range).
    """
    if raw is None:
        return None
    text = str(raw).strip()
    match = _POSTCODE_RE.match(text)
    if not match:
        return None
    code = match.group(1)
    return code if 1000 <= int(code) <= 9999 else None


def province_for_postcode(raw: str | int | None) -> Province | None:
    code = normalize_postcode(raw)
    if code is None:
        return None
    number = int(code)
    for first, last, province in _RANGES:
        if first <= number <= last:
            return PROVINCES[province]
    return None  # unreachable: the ranges cover 1000–9999


def _fold(text: str) -> str:
    """Folded (see dutch_text.fold) and letters only: "Oost-Vlaanderen" -> "oostvlaanderen"."""
    return re.sub(r"[^a-z]+", "", fold(text))


_ALIASES: dict[str, str] = {
    # Dutch, English, French and common abbreviations, folded (lower-case letters only).
    "antwerpen": "antwerpen", "antwerp": "antwerpen", "anvers": "antwerpen", "ant": "antwerpen",
    "limburg": "limburg", "limbourg": "limburg", "lim": "limburg",
    "oostvlaanderen": "oost-vlaanderen", "eastflanders": "oost-vlaanderen",
    "flandreorientale": "oost-vlaanderen", "ovl": "oost-vlaanderen", "ovla": "oost-vlaanderen",
    "vlaamsbrabant": "vlaams-brabant", "flemishbrabant": "vlaams-brabant",
    "brabantflamand": "vlaams-brabant", "vlbr": "vlaams-brabant", "vbr": "vlaams-brabant",
    "westvlaanderen": "west-vlaanderen", "westflanders": "west-vlaanderen",
    "flandreoccidentale": "west-vlaanderen", "wvl": "west-vlaanderen", "wvla": "west-vlaanderen",
    "brussel": "brussel", "brussels": "brussel", "bruxelles": "brussel", "bxl": "brussel",
    "brusselshoofdstedelijkgewest": "brussel", "brusselhoofdstad": "brussel",
    "waalsbrabant": "waals-brabant", "walloonbrabant": "waals-brabant",
    "brabantwallon": "waals-brabant",
    "henegouwen": "henegouwen", "hainaut": "henegouwen",
    "luik": "luik", "liege": "luik",
    "luxemburg": "luxemburg", "luxembourg": "luxemburg",
    "namen": "namen", "namur": "namen",
}

_REGION_ALIASES: dict[str, str] = {
    "vlaanderen": VLAANDEREN, "flanders": VLAANDEREN, "flandre": VLAANDEREN,
    "wallonie": WALLONIE, "wallonia": WALLONIE,
}


def normalize_province(raw: str | None) -> str | None:
    """Province code for a name people type ("Oost Vlaanderen", "Antwerp", "BXL"), else None."""
    if not raw:
        return None
    return _ALIASES.get(_fold(raw))


def expand_area(raw: str) -> tuple[str, ...]:
    """Province codes for a province name or a region name ("vlaanderen" → the five provinces).

    Raises ValueError for an unknown name.
    """
    province = normalize_province(raw)
    if province:
        return (province,)
    region = _REGION_ALIASES.get(_fold(raw))
    if region:
        return tuple(c for c, p in PROVINCES.items() if p.region == region)
    raise ValueError(
        f"Unknown province or region {raw!r}; use one of: "
        + ", ".join(list(PROVINCES) + [VLAANDEREN, WALLONIE])
    )
