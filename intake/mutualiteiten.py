"""The Belgian ziekenfondsen (mutualiteiten), with the names people actually type.

`MUTUALITEITEN` is the canonical list (for the bot's buttons and for coordinators); every name
stored in the database is one of these. Mergers are folded in: Partena and OZ became Helan,
Bond Moyson and De Voorzorg became Solidaris. Vlaams & Neutraal Ziekenfonds and Neutraal
Ziekenfonds Vlaanderen are two ziekenfondsen of the same national union (Neutrale Ziekenfondsen).
"""
from __future__ import annotations

import re

from dutch_text import fold

CM = "CM"
VNZ = "Vlaams & Neutraal Ziekenfonds"
NZVL = "Neutraal Ziekenfonds Vlaanderen"
SOLIDARIS = "Solidaris"
HELAN = "Helan"
LM = "Liberale Mutualiteit"
HZIV = "HZIV"
HR_RAIL = "Kas der geneeskundige verzorging van HR Rail"

MUTUALITEITEN: tuple[str, ...] = (CM, SOLIDARIS, HELAN, LM, VNZ, NZVL, HZIV, HR_RAIL)

# Pages about the TNW trajectory, only where verified (see ../shared/facts.md, section 8).
TNW_PAGES: dict[str, str] = {
    LM: "https://www.lm-ml.be/nl/terug-naar-werk-traject-bij-de-terug-naar-werk-coordinator",
    HELAN: "https://www.helan.be/nl/wat-te-doen-bij/praktische-vragen/uitkeringen/reintegratietraject/",
    NZVL: "https://www.nzvl.be/wat-te-doen-bij/ziekte-en-ziekenhuisopname/terug-naar-het-werk/begeleiding-terug-naar-het-werk",
    HZIV: "https://www.caami-hziv.fgov.be/nl/leden/uitkering-arbeidsongeschiktheid/het-terug-naar-werk-traject",
}

# Short labels for buttons (same order as MUTUALITEITEN).
BUTTON_LABELS: dict[str, str] = {
    CM: "CM",
    VNZ: "Vlaams & Neutraal Ziekenfonds",
    NZVL: "Neutraal Ziekenfonds Vlaanderen",
    SOLIDARIS: "Solidaris",
    HELAN: "Helan",
    LM: "Liberale Mutualiteit",
    HZIV: "HZIV (Hulpkas)",
    HR_RAIL: "HR Rail",
}


def _fold(text: str) -> str:
    """Folded (see dutch_text.fold), letters and digits only: "Vlaams & Neutraal" -> "vlaamsneutraal"."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


_ALIASES: dict[str, str] = {}
for _name, _aliases in {
    CM: ("cm", "christelijkemutualiteit", "christelijkeziekenfonds", "mutualitechretienne", "mc",
         "cmziekenfonds", "demutualiteit"),
    VNZ: ("vlaamsneutraalziekenfonds", "vlaamsenneutraalziekenfonds", "vnz", "vlaamsziekenfonds"),
    NZVL: ("neutraalziekenfondsvlaanderen", "nzvl", "neutraalziekenfonds"),
    SOLIDARIS: ("solidaris", "bondmoyson", "devoorzorg", "voorzorg", "socialistischemutualiteit",
                "socialistischemutualiteiten", "sm"),
    HELAN: ("helan", "partena", "partenaziekenfonds", "oz", "onafhankelijkziekenfonds",
            "onafhankelijkeziekenfonds"),
    LM: ("liberalemutualiteit", "lm", "lmplus", "liberalemutualiteitvlaanderen", "libmut"),
    HZIV: ("hziv", "hulpkas", "hulpkasvoorziekteeninvaliditeitsverzekering", "caami", "capac"),
    HR_RAIL: ("kasdergeneeskundigeverzorgingvanhrrail", "hrrail", "kgv", "kasdergeneeskundigeverzorging",
              "nmbs", "spoorwegen"),
}.items():
    for _alias in _aliases:
        _ALIASES[_alias] = _name


def normalize_mutualiteit(raw: str | None) -> str | None:
    """Canonical name for what someone typed or pressed ("cm", "Partena", "VNZ"), else None."""
    if not raw:
        return None
    folded = _fold(raw)
    if not folded:
        return None
    if folded in _ALIASES:
        return _ALIASES[folded]
    for name in MUTUALITEITEN:
        if _fold(name) == folded:
            return name
    return None
