"""The pattern safety net for signs of crisis (hopelessness, wish to die, self-harm, a plan).

It is built for recall: a missed crisis is far worse than one kind message too many, so an
ambiguous message ("ik kan niet meer") counts as a crisis. Ordinary Dutch that shares words
with crisis talk ("ik zie het niet zitten om te bellen", "ik wil niet meer bij die werkgever
werken", "een einde maken aan mijn contract") does not. The trained `crisis` intent is the
second half of the check (see `rasa_addons.crisis_detector`).

`assess(text)` also tells who is at risk (the writer, or someone they worry about) and which
language the reply should be in, so the reply fits without asking anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dutch_text import fold

__all__ = ["Assessment", "assess", "normalise"]

LANGUAGES = ("nl", "fr", "en")


@dataclass(frozen=True)
class Assessment:
    is_crisis: bool
    about_someone_else: bool = False  # a partner, relative, friend or employee is at risk
    language: str = "nl"  # nl | fr | en: the language of the reply
    signal: str | None = None  # name of the pattern that fired (never the text itself)


# ---------------------------------------------------------------- normalisation

# Spoken Flemish and chat spelling, word by word, to the written forms the patterns use.
_SPOKEN = {
    "nie": "niet", "ni": "niet", "nt": "niet", "niej": "niet",
    "mi": "meer", "mier": "meer", "meej": "meer", "mr": "meer",
    "t": "het", "et": "het", "'t": "het",
    "k": "ik", "'k": "ik", "kzie": "ik zie", "kwil": "ik wil", "kben": "ik ben", "kan't": "kan het",
    "zien": "zie",  # West-Flemish "ik zien het"
    "wilt": "wil", "wille": "wil", "willen": "wil",
    "ge": "je", "gij": "je", "g": "je",
    "mij": "me", "mijzelf": "mezelf", "mezelve": "mezelf",
    "da": "dat", "dak": "dat ik", "wa": "wat", "moe'k": "moet ik", "es": "is", "he": "heb",
    "gin": "geen", "goesting": "zin", "peis": "denk", "peize": "denk", "ziet": "zie", "t'em": "het",
    "pillekes": "pillen", "pilletjes": "pillen", "hoopke": "hoop",
    "dont": "don't", "cant": "can't", "im": "i'm", "ive": "i've", "wasnt": "wasn't", "wont": "won't",
}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def normalise(text: str) -> str:
    """Lower case, accents folded, apostrophes unified, spoken forms written out, one space."""
    text = fold(text.translate(_APOSTROPHES))
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)  # zero-width characters
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?|'[a-z]+|[.!?,;:]", text)
    spoken = " ".join(_SPOKEN.get(word, word) for word in words)
    return re.sub(r"\s+", " ", spoken).strip()


# ---------------------------------------------------------------- patterns

# A clause ends at punctuation or at the end of the message: "ik kan niet meer." is a cry for
# help, "ik kan niet meer werken" is about work.
_END = r"\s*(?:$|[.!?,;:]|\b(?:echt|gewoon|hoor|eh|zo|help|helpen|meer)\b)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_SUBJECT = r"(?:ik |ge |gij |je |jij |hij |ze |zij |we |wij )?"

_DUTCH: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zelfmoord", _rx(r"zelfmoord|zelfdoding|suicid|levensmoe|doodsgedachten|zelfbeschadig")),
    # The subject may follow the verb ("eigenlijk zie ik het niet meer zitten"): Dutch word order.
    ("zie het niet meer zitten", _rx(r"\bzie " + _SUBJECT + r"(?:het|dat|alles|het leven) (?:\w+ ){0,2}niet meer zitten")),
    # "ik zie het niet zitten" on its own, or "... zitten, ..." - but not "niet zitten om te bellen".
    ("zie het niet zitten", _rx(r"\bzie " + _SUBJECT + r"(?:het|alles|het leven) (?:echt |helemaal |totaal |gewoon )?niet zitten" + _END)),
    ("einde aan maken", _rx(r"\b(?:maak|maken|maakt|ga) er (?:\w+ ){0,2}(?:een )?einde? aan\b|\ber (?:een )?einde? aan (?:\w+ ){0,3}maken|\beinde? (?:maken )?aan (?:mijn|m'n|zijn|haar|het) leven"
                            r"|\b(?:mijn|zijn|haar) leven (?:\w+ )?(?:beeindigen|stoppen)")),
    ("wil niet meer leven", _rx(r"\b(?:wil|wou|zou|ga|moet) (?:\w+ ){0,2}niet meer (?:leven|bestaan)\b"
                                r"|\b(?:wil|wou|zou) (?:\w+ ){0,2}niet meer (?:verder|hier zijn|zijn)" + _END)),
    ("wil niet meer", _rx(r"\b(?:ik|hij|zij|ze) wil (?:echt |gewoon |eigenlijk )?niet meer" + _END)),
    ("er niet meer zijn", _rx(r"\ber (?:\w+ )?niet meer (?:zijn|was|ben|zou zijn|wil zijn)\b|\bvoorgoed (?:weg|verdwijnen|slapen)")),
    ("niet meer wakker", _rx(r"\b(?:niet|nooit) meer wakker (?:worden|te worden|word|wil)|\bslapen en nooit")),
    ("dood willen", _rx(r"\b(?:wil|wou|zou willen|wens) (?:\w+ ){0,2}(?:dood|doodgaan|sterven)\b|\bliever dood\b"
                        r"|\bwas ik (?:maar )?dood|\bbeter dood\b|\b(?:het leven|leven) (?:\w+ )?beu\b|\bbeu om te leven")),
    ("niemand zou me missen", _rx(r"\bniemand (?:zou|zal|gaat|gaan) (?:\w+ )?(?:me|mezelf|hem|haar|het) (?:\w+ )?(?:missen|merken)"
                                  r"|\bbeter af zonder (?:me|mezelf|hem|haar)\b|\b(?:iedereen|de wereld|mijn familie|mijn kinderen) (?:\w+ ){0,3}beter (?:af|zonder)\b"
                                  r"|\btot last\b|\been last voor (?:iedereen|mijn)")),
    ("mezelf iets aandoen", _rx(r"\b(?:me|mezelf|zichzelf|hemzelf|haarzelf) (?:\w+ ){0,2}(?:iets aan ?doen|van kant|pijn doen|snijden|verwonden|ophangen)"
                                r"|\bvan kant maken|\bme (?:\w+ )?iets aan (?:te )?doen|\bsnijden in (?:mezelf|mijn arm)|\bpolsen (?:door ?)?snijden|\bdoorsnijden")),
    ("pillen", _rx(r"\b(?:genoeg|al mijn|een hoop|massa|dozen|een doos|strips|handvol|stapel) (?:\w+ )?(?:pillen|slaappillen|medicijnen|medicatie|tabletten|pilletjes)"
                   r"|\b(?:pillen|slaappillen|medicijnen|tabletten|pilletjes) (?:\w+ ){0,2}(?:opgespaard|verzameld|klaarliggen|klaar liggen|liggen klaar)"
                   r"|\b(?:allemaal|alles|in een keer|ineens) (?:\w+ )?(?:in ?nemen|slikken|opnemen)\b|\boverdosis")),
    ("plan", _rx(r"\b(?:springen van|springen voor|voor de trein|van de brug|van een brug|van het dak|onder een trein|touw (?:gekocht|klaar))"
                 r"|\bafscheidsbrief|\b(?:een )?plan (?:om|hoe) (?:\w+ ){0,4}(?:einde|dood|leven|weg)")),
    ("geen zin in leven", _rx(r"\bgeen (?:zin|reden) (?:meer )?(?:in|om) (?:te )?(?:leven|verder te gaan|bestaan)|\bgeen uitweg\b"
                              r"|\b(?:het leven|mijn leven|leven)\b (?:\w+ ){0,3}(?:niet meer de moeite|geen zin|zinloos)"
                              r"|\b(?:alles|allemaal) (?:\w+ ){0,2}(?:geen zin meer|zinloos)|\bheeft (?:toch )?geen zin meer" + _END)),
    ("wens dat het ophoudt", _rx(r"\b(?:wil|hoop|wou|wens) (?:\w+ ){0,2}dat (?:het|alles) (?:\w+ )?(?:ophoudt|stopt|voorbij is|gedaan is)"
                                 r"|\bniet (?:meer|langer) (?:verder )?(?:wil|willen) (?:leven|bestaan)|\b(?:bestaan|leven) niet langer|\bniet langer (?:\w+ )?(?:leven|bestaan)\b"
                                 r"|\b(?:wil|ga|zou) (?:\w+ ){0,2}verdwijnen\b|\bals ik (?:\w+ )?verdwijn|\bik (?:\w+ )?verdwijn\b")),
    ("beter zonder mij", _rx(r"\b(?:beter|gelukkiger|rustiger|makkelijker) (?:\w+ ){0,4}(?:als ik (?:er )?(?:niet meer|niet|weg|dood|verdwijn)|zonder (?:me|mezelf|hem|haar))\b"
                             r"|\ber (?:\w+ ){0,3}niet meer (?:\w+ )?(?:zijn|was|ben)\b|\bniemand (?:\w+ ){0,3}(?:missen|mist|merken|merkt)\b")),
    ("afscheid", _rx(r"\blaatste bericht|\b(?:salu|dag|daag|tot ziens|vaarwel) voor altijd|\bvaarwel\b|\bklinkt als (?:een )?afscheid|\bafscheids\w+"
                     r"|\b(?:mag|moogt|mogen|moet|moeten) me (?:\w+ )?vergeten\b|\bgedag (?:\w+ ){0,2}voor ik ga")),
    ("plan of middel", _rx(r"\b(?:sta|staan|zit|zitten|ben) (?:\w+ ){0,3}(?:op|aan) (?:de|een|het) (?:brug|spoorweg|sporen|dak|rand)\b"
                           r"|\bheb een plan" + _END + r"|\bdatum staat (?:al )?vast|\bhoe ik het (?:zou|ga|kan|moet) doen"
                           r"|\b(?:vannacht|vanavond|morgen) (?:\w+ )?doe\b|\bhet vannacht|\b(?:gespaard|opgespaard|opsparen|aan het sparen)\b"
                           r"|\b(?:pillen|medicatie|medicijnen) (?:\w+ ){0,3}op een hoop|\b(?:doos|dozen) (?:\w+ )?(?:pillen|slaappillen|medicijnen)")),
    ("zelfbeschadiging", _rx(r"\b(?:me|mezelf|zichzelf|hemzelf|haarzelf) (?:\w+ ){0,2}pijn\b(?! (?:in|aan|van|door))|\bsnij\w* (?:\w+ )?in (?:mijn|zijn|haar|me|mezelf) (?:\w+ )?(?:arm|armen|polsen|benen|vel)"
                             r"|\bmesje|\bscheermesje|\bsnij\w* (?:me|mezelf)\b"
                             r"|\bte veel (?:\w+ )?(?:pillen|medicijnen|tabletten|medicatie) (?:\w+ )?(?:genomen|ingenomen|geslikt)")),
    ("geen zin om te leven", _rx(r"\b(?:zin|nut) (?:\w+ ){0,4}(?:te leven|te blijven ademen|te ademen|te bestaan|verder te gaan|wakker te worden)"
                                 r"|\bgeen zin (?:meer )?(?:\w+ ){0,3}(?:wakker|leven|bestaan)\b|\bwat heeft het (?:\w+ ){0,2}zin" + _END
                                 + r"|\bheeft (?:allemaal |alles |toch |eigenlijk )?geen zin" + _END
                                 + r"|\bnergens (?:\w+ )?licht|\bgeen licht meer|\b(?:niks|niets) (?:wordt|zal|gaat) (?:\w+ ){0,2}beter"
                                 r"|\bwaarom (?:zou|doe) ik (?:nog )?moeite|\b(?:praat|praten|spreekt|spreken|denkt|denk|denken|heeft het) (?:\w+ ){0,3}(?:over|aan) (?:doodgaan|de dood|sterven|zelfmoord|er een einde)")),
    ("houdt het niet vol", _rx(r"\bhoe lang ik (?:\w+ ){0,2}(?:vol ?hou|volhoud)|\bhelemaal op" + _END)),
    ("kan niet meer", _rx(r"\b(?:ik|hij|zij|ze) (?:kan|kunnen) (?:het |dit |echt |gewoon )?niet meer" + _END
                          + r"|\bkan (?:het|dit|dat|alles) (?:echt |gewoon )?niet meer aan" + _END
                          + r"|\btrek (?:het|dit) (?:echt |gewoon )?niet meer|\bhou (?:het|dit) (?:echt |gewoon )?niet meer vol" + _END)),
)

_FRENCH: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("suicide", _rx(r"suicid|\b(?:me|se|te) (?:tuer|suicider|faire du mal|pendre)\b|\bautomutil|\bscarif")),
    ("en finir", _rx(r"\ben finir\b(?! avec (?:ce|ces|le|la|les|mon|ma|mes) (?!vie))|\bmettre fin a (?:mes jours|ma vie|sa vie|ses jours)|\bfinir avec la vie")),
    ("mourir", _rx(r"\b(?:veux|voudrais|envie de|prefere|prefererais) (?:\w+ )?mourir|\bplus envie de vivre|\bne (?:veux|veut) plus vivre|\bpas la peine de vivre|\bplus (?:de )?raison de vivre|\bdisparaitre pour toujours")),
    ("sans moi", _rx(r"\b(?:mieux|mieux lotis?) sans (?:moi|lui|elle)|\bpersonne ne (?:me |le |la )?(?:manquerait|remarquerait)|\bpersonne ne va me regretter")),
    ("medicaments", _rx(r"\b(?:tous mes|toutes mes|assez de|plein de|boite de|boites de) (?:\w+ )?(?:medicaments|cachets|pilules|comprimes)|\boverdose")),
    ("n'en peux plus", _rx(r"\bj ?'?en peux plus|\bje n'?en peux plus|\bje ne tiens plus|\bje craque\b")),
)

_ENGLISH: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("suicide", _rx(r"suicid|\bkill (?:myself|himself|herself|themselves)|\bself[- ]?harm|\b(?:hurt|hurting|cut|cutting) (?:myself|himself|herself)")),
    ("end it", _rx(r"\bend (?:it all|my life|his life|her life|everything)\b|\btake (?:my|his|her) (?:own )?life|\bend things\b")),
    ("want to die", _rx(r"\b(?:want|wanna|going|wish|ready) (?:\w+ )?(?:to )?die\b|\bdon'?t want to (?:live|be here|wake up|exist|go on)|\bnot (?:want|wanting) to (?:live|be alive)|\bno (?:reason|point) (?:to|in) (?:live|living|going on|being alive)|\bnot worth living|\bcan'?t go on\b")),
    ("no point", _rx(r"\b(?:see|is|any) (?:the |any )?point (?:in|of) (?:living|life|going on|being here)|\bcan'?t (?:do|take) (?:this|it) anymore"
                     r"|\bsaving (?:up )?(?:my|his|her) (?:pills|meds|tablets|medication)|\btonight is the night|\bgave away (?:all )?(?:my|his|her) (?:stuff|things)"
                     r"|\b(?:happier|better) (?:off )?if i (?:wasn'?t|weren'?t|was not) (?:around|here)|\bdead weight\b|\bi'?m a burden")),
    ("better off without me", _rx(r"\bbetter off without (?:me|him|her)|\bnobody would (?:miss|notice|care)|\bno one would (?:miss|notice|care)")),
    ("pills", _rx(r"\b(?:enough|all my|all (?:the|his|her)|a bunch of|a stash of|bottle of|box of) (?:\w+ )?(?:pills|tablets|meds|medication)\b|\boverdos")),
)
_PATTERNS = {"nl": _DUTCH, "fr": _FRENCH, "en": _ENGLISH}

# Someone else is at risk: a relative, friend or employee is mentioned, and the words just
# before the crisis phrase point to a third person rather than to the writer.
_SOMEONE_ELSE = {
    "nl": _rx(r"\b(?:mijn|m'n|onze|ons|een) (?:broer|zus|zuster|man|vrouw|partner|vriend|vriendin|lief|zoon|dochter|kind"
              r"|moeder|vader|mama|papa|ma|pa|moe|va|collega|werknemer|medewerker|arbeider|bediende|buurman|buurvrouw"
              r"|schoonzus|schoonbroer|tante|nonkel|oom|neef|nicht|grootmoeder|grootvader|oma|opa|ventje|vent)\b"
              r"|\b(?:mama|papa)\b"),
    "fr": _rx(r"\b(?:mon|ma|notre) (?:frere|soeur|mari|femme|epouse|partenaire|ami|amie|fils|fille|enfant|mere|pere"
              r"|collegue|employe|employee)\b"),
    "en": _rx(r"\bmy (?:brother|sister|husband|wife|partner|boyfriend|girlfriend|friend|son|daughter|child|kid|mother"
              r"|father|mom|mum|dad|colleague|coworker|employee)\b"),
}
_PRONOUNS = {
    "nl": ({"ik", "me", "mezelf", "mijn"}, {"hij", "zij", "ze", "hem", "haar", "zichzelf", "hemzelf", "haarzelf", "zijn"}),
    "fr": ({"je", "j'en", "me", "moi", "n'en", "mes", "ma", "mon"}, {"il", "elle", "se", "lui", "sa", "ses", "son"}),
    "en": ({"i", "i'm", "me", "myself", "my"}, {"he", "she", "him", "her", "himself", "herself", "his"}),
}
_THIRD_PERSON = {"nl": "hij", "fr": "il", "en": "he"}
PRONOUN_WINDOW = 6  # words before the crisis phrase that tell whose crisis it is


def about_someone_else(normalised: str, language: str, phrase_start: int) -> bool:
    if not _SOMEONE_ELSE[language].search(normalised):
        return False
    first, third = _PRONOUNS[language]
    # "mijn zus" points to the sister, not to the writer: read it as a third person.
    marked = _SOMEONE_ELSE[language].sub(f" {_THIRD_PERSON[language]} ", normalised[:phrase_start])
    before = marked.split()[-PRONOUN_WINDOW:]
    phrase = normalised[phrase_start:].split()[:PRONOUN_WINDOW]
    # The nearest pronoun before the phrase decides; then the phrase's own ("zonder haar").
    for word in [*reversed(before), *phrase]:
        if word in third:
            return True
        if word in first:
            return False
    # No pronoun near: someone else is at risk only when the writer never speaks of themself.
    return not any(word in first for word in normalised.split())


# Function words: enough to tell the three languages apart in a chat message.
_LANGUAGE_WORDS = {
    "nl": {"ik", "je", "het", "een", "de", "niet", "meer", "en", "is", "dat", "wil", "zie", "mijn",
           "me", "heb", "ben", "er", "van", "op", "zitten", "leven", "niemand", "zou", "hij", "zij"},
    "fr": {"je", "j'en", "le", "la", "les", "est", "et", "vous", "pas", "plus", "ne", "mon", "ma",
           "mes", "veux", "de", "vie", "mourir", "il", "elle", "suis", "moi", "sans", "personne", "en"},
    "en": {"i", "the", "to", "and", "is", "my", "want", "don't", "can't", "life", "it", "me", "he",
           "she", "not", "im", "i'm", "anymore", "no", "all", "be", "of", "without", "nobody"},
}


def guess_language(normalised: str) -> str:
    """nl, fr or en by common words; Dutch when unsure (the assistant's own language)."""
    words = normalised.split()
    scores = {lang: sum(word in vocab for word in words) for lang, vocab in _LANGUAGE_WORDS.items()}
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == "nl"))
    return best if scores[best] > scores["nl"] else "nl"


def _first_signal(normalised: str, language: str) -> tuple[str, int] | None:
    """The first pattern that fires (language-qualified name) and where its phrase starts."""
    # The message's own language first, then the others: people mix languages.
    for lang in (language, *(other for other in LANGUAGES if other != language)):
        for name, pattern in _PATTERNS[lang]:
            match = pattern.search(normalised)
            if match:
                return f"{lang}:{name}", match.start()
    return None


def assess(text: str) -> Assessment:
    """Whether a message shows signs of crisis, about whom, and in which language to answer."""
    normalised = normalise(text or "")
    language = guess_language(normalised)
    found = _first_signal(normalised, language)
    if found is None:
        return Assessment(is_crisis=False, language=language)
    signal, start = found
    return Assessment(
        is_crisis=True,
        about_someone_else=about_someone_else(normalised, language, start),
        language=language,
        signal=signal,
    )
