"""Everything the custom actions say, in one place, so the copy can be read and reviewed at once.

Dutch, Flemish register, "je". What Rasa utters by itself, without an action (greetings, small
talk, the replies to feelings and to medical questions), stays in the domain's `responses`
(nlu/domain/*.yml); this module holds what an action composes. Some texts are templates with
named fields ("{when}") that the action fills in. A button is its title with the payload it
sends; where the payload carries entities, the action builds it around the title from here.

Not here: knowledge-base answers (knowledge_base/documents/), the summaries in French and
English (knowledge_base/foreign/), why a form answer is refused (with the rule that refuses
it, intake/validation.py) and the crisis reply (safety/replies.py).

Texts only: this module imports the slot names and nothing else of ours.
"""
from __future__ import annotations

from actions.booking_slots import CONTACT, MUTUALITEIT, NAME, POSTCODE, TOPIC

# ---------------------------------------------------------------- shared buttons

BOOK_BUTTON = {"title": "Praat met een coördinator", "payload": "/book_intake"}
YES_NO_BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
MY_APPOINTMENT_BUTTON = {"title": "Mijn afspraak", "payload": "/my_appointment"}
RESCHEDULE_BUTTON = {"title": "Verplaatsen", "payload": "/reschedule_appointment"}
CANCEL_BUTTON = {"title": "Annuleren", "payload": "/cancel_appointment"}

# ---------------------------------------------------------------- answers from the knowledge base

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
SOURCE_LINE = "Bron: {source} (laatst nagekeken op {date})."
MORE_BUTTON = "Meer: {question}"  # a related answer item under an answer
BENEFIT_REFERRAL = (
    "Wat dit voor jouw uitkering betekent, kan alleen je ziekenfonds uitrekenen. "
    "Vraag het aan je adviserend arts of aan de terug-naar-werk-coördinator van je ziekenfonds."
)
GREETING_BACK = "Dag!"  # before an answer to a message that opened with a greeting
ASK_WHICH_MEASURE = "Ik weet niet zeker wat je bedoelt. Gaat het over een van deze?"
SOMETHING_ELSE = "Bedoel je iets anders? Kies hieronder."
OR_DO_YOU_MEAN = "Of bedoel je: {title}"  # an alternative measure under an answer
ASK_ROLE = "Dan help ik je eerst op weg. Ben je zelf (langdurig) ziek, of ben je werkgever?"
ROLE_BUTTONS = {  # role -> title
    "participant": "Ik ben werknemer of zelfstandige",
    "employer": "Ik ben werkgever",
}
ROLE_NOTED = {
    "participant": "Oké, ik hou er rekening mee dat je het voor jezelf vraagt.",
    "employer": "Oké, ik hou er rekening mee dat je werkgever bent.",
}
WHAT_DO_YOU_WANT_TO_KNOW = "Wat wil je weten?"
OFFER_COORDINATOR = (
    "Sorry, daar vind ik geen goed antwoord op. Een terug-naar-werk-coördinator van je "
    "ziekenfonds kan je persoonlijk verder helpen. Zal ik een gesprek voor je plannen?"
)
ANOTHER_QUESTION_BUTTON = {"title": "Nee, ik stel een andere vraag", "payload": "/deny"}

# ---------------------------------------------------------------- starting a booking, consent

GENERIC_CONTACT = (
    "Bel of mail je ziekenfonds en vraag naar de terug-naar-werk-coördinator.\n"
    "Dat mag op elk moment tijdens je arbeidsongeschiktheid."
)
DB_PROBLEM = "Sorry, er ging iets mis bij het plannen. Er is niets bewaard. Je kan de coördinator ook zelf contacteren:"
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
CONSENT_THANKS = "Dank je!"
FORM_INTRO = "Ik stel je 5 korte vragen. Typ 'stop' om te stoppen."
CONTACT_NOTED = ("Ik noteer {contact} om je te contacteren. Klopt dat niet? "
                 "Typ dan gewoon het juiste nummer of e-mailadres als ik erom vraag.")

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
EMPLOYER_BUTTONS = {  # measure -> title
    "reintegratietraject": "Re-integratietraject",
    "btom": "BTOM (aanpassingen)",
    "individueel_maatwerk": "Individueel maatwerk",
    "jobcoaching": "Jobcoaching",
}
RELATIVE_TEXT = "\n".join([
    "Fijn dat je mee wil helpen.",
    "Een gesprek met een terug-naar-werk-coördinator is vrijwillig. Het gaat over de gezondheid en de "
    "gegevens van je naaste. Daarom maakt die persoon de afspraak zelf, of zegt die zelf dat het goed is.",
    "Zo kan je helpen:",
    "• Vertel je naaste dat die coördinator bestaat. Het kost niets.",
    "• Praat samen met mij, vanaf de telefoon of de Telegram van je naaste.",
    "• Of bel samen het ziekenfonds van je naaste en vraag naar de terug-naar-werk-coördinator.",
])
RELATIVE_WHAT_COORDINATOR = "Wat doet een coördinator?"
RELATIVE_FOR_MYSELF = "Het is toch voor mezelf"

# ---------------------------------------------------------------- the intake form

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
DONT_KNOW_FUND = "Ik weet het niet"  # button under the ziekenfonds question (also its payload)
MUTUALITEIT_UNKNOWN = "Dat ziekenfonds ken ik niet. Kies er een met de knoppen hieronder."
POSTCODE_NOT_BELGIAN = (
    "Dat is geen Belgische postcode. Typ je postcode met 4 cijfers, bijvoorbeeld 9000. "
    "Woon je niet in België? Dan helpt je ziekenfonds je verder."
)
CORRECTED = "Oké, ik heb je {field} aangepast: {value}."
CORRECTION_REFUSED = "{reason} Ik hou je {field} zoals het was."
FORM_STOPPED = "Oké, ik stop hier. Ik heb niets van je gegevens bewaard."
STOP_ACK = "Oké. Zeg het gerust als ik je ergens anders mee kan helpen."

# ---------------------------------------------------------------- choosing a moment

PICK_SLOT = "Wanneer past het je? Kies een moment:"
NONE_FITS_BUTTON = "Geen van deze past"
ANSWERS_MISSING = "Er ontbreekt nog iets. Wil je opnieuw beginnen?"
START_AGAIN = "Wil je opnieuw beginnen?"
NOTHING_STORED = "Ik heb niets van je gegevens bewaard."
NOTHING_STORED_START_AGAIN = "Er is niets bewaard. Wil je opnieuw beginnen?"
NO_SLOTS = "Er is nu geen vrij moment om online te boeken. Ik heb niets van je gegevens bewaard."
SLOT_TAKEN = "Dat moment is net ingenomen door iemand anders. Kies een ander moment:"
SLOT_TAKEN_NO_ALTERNATIVES = "Dat moment is net ingenomen door iemand anders, en er is geen ander vrij moment meer."
# {reason}: the first sentence of why the moment cannot be booked ("Dat moment kan niet meer").
PICK_ANOTHER = "{reason}. Kies een ander moment:"
NO_OTHER_MOMENT = "{reason}, en er is geen ander vrij moment meer."
APPOINTMENT_UNCHANGED = "Je afspraak blijft staan zoals ze was."
ALREADY_YOURS = "Dat moment is al voor jou geboekt. Je hoeft niets meer te doen."
BUTTON_EXPIRED = "Die knop is niet meer geldig. Wil je een gesprek plannen?"
NONE_FITS_TEXT = "Geen probleem. Je kan de coördinator ook zelf contacteren:"

CONFIRMED = "Je afspraak staat vast!"
MOVED = "Je afspraak is verplaatst."
CONFIRMATION = "\n".join([
    "{start}",
    "📅 {when} (Belgische tijd)",
    "👤 {coordinator}, terug-naar-werk-coördinator ({fund})",
    "De coördinator contacteert je {contact}.",
    "Handig om klaar te leggen:",
    "• je identiteitskaart",
    "• je medische attesten, als je die hebt",
    "• de naam van je arbeidsarts, als je die kent",
    "• je vragen (schrijf ze gerust op)",
    "Kan je niet? Typ 'mijn afspraak' om te annuleren of te verplaatsen.",
])
BY_PHONE = "op {phone}"
BY_EMAIL = "via {email}"

# ---------------------------------------------------------------- my appointment, cancel, reschedule

APPOINTMENT = "\n".join([
    "Je afspraak:",
    "📅 {when} (Belgische tijd)",
    "👤 {coordinator} ({fund})",
    "Wil je iets veranderen?",
])
HAS_APPOINTMENT = "Je hebt al een afspraak."
NO_APPOINTMENT = "Je hebt nu geen afspraak gepland. Wil je er een maken?"
LOOKUP_FAILED = "Sorry, ik kan je afspraak nu niet opzoeken. Probeer het straks opnieuw."
ASK_CANCEL = "Wil je je afspraak van {when} met {coordinator} annuleren?"
NOTHING_TO_CANCEL = "Je hebt geen afspraak meer om te annuleren."
CANCELLED = "Je afspraak van {when} is geannuleerd. De coördinator is verwittigd. Wil je een nieuw moment kiezen?"
CANCEL_FAILED = "Sorry, het annuleren is niet gelukt. Probeer het straks opnieuw."
CANCEL_KEPT = "Oké, je afspraak blijft staan."
PICK_NEW_SLOT = "Je afspraak is nu op {when}. Kies een nieuw moment:"
KEEP_APPOINTMENT_BUTTON = "Toch niet verplaatsen"
NO_SLOTS_RESCHEDULE = "Er is nu geen ander vrij moment. Je afspraak van {when} blijft staan."

# ---------------------------------------------------------------- privacy

DELETE_HINT = "Wil je alles laten wissen? Typ 'wis mijn gegevens'."
DELETE_BUTTON = {"title": "Wis mijn gegevens", "payload": "/privacy_delete_data"}
ASK_DELETE = "Wil je echt al je gegevens wissen? Ook ons gesprek wordt gewist. Dat kan ik niet ongedaan maken."
ASK_DELETE_WITH_APPOINTMENT = (
    "Wil je echt al je gegevens wissen? Je afspraak van {when} wordt dan geannuleerd, en ook ons "
    "gesprek wordt gewist. Dat kan ik niet ongedaan maken."
)
DELETED = "Klaar. Ik heb je gegevens gewist."
DELETED_WITH_CANCEL = "Klaar. Ik heb je gegevens gewist en je afspraak geannuleerd. De coördinator is verwittigd."
CONVERSATION_GOES = "Ons gesprek wordt nu ook gewist. Je kan altijd opnieuw beginnen."
DELETE_FAILED = "Sorry, het wissen is niet gelukt. Er is niets veranderd. Probeer het straks opnieuw."
DELETE_KEPT = "Oké, ik wis niets."
SHOW_FAILED = "Sorry, ik kan je gegevens nu niet opzoeken. Probeer het straks opnieuw."

# ---------------------------------------------------------------- questions outside the field

SCOPE_INTRO = "Daar kan ik je helaas niet mee helpen: ik ken vooral de steun om na ziekte weer aan het werk te gaan."
# Where to go, by topic (../shared/facts.md §18); actions/scope.py decides which topic a message is about.
REFERRALS = {
    "groeipakket":
        "Vragen over het Groeipakket (het vroegere kindergeld) stel je aan je eigen uitbetaler: FONS, Infino, "
        "KidsLife Vlaanderen, MyFamily of Parentia. Meer uitleg staat op www.groeipakket.be.",
    "pensioen":
        "Voor je pensioen helpt de Federale Pensioendienst je: bel gratis de Pensioenlijn 1765, of bekijk je "
        "dossier op mypension.be met je eID.",
    "arbeidsongeval":
        "Een arbeidsongeval, ook op weg naar of van het werk, regelt de verzekeraar van je werkgever. Voor een "
        "beroepsziekte, of als je het niet eens bent met de verzekeraar, is er Fedris, het federaal agentschap "
        "voor beroepsrisico's.",
    "handicap":
        "Tegemoetkomingen voor personen met een handicap (de inkomensvervangende tegemoetkoming en de "
        "integratietegemoetkoming) vraag je aan bij de FOD Sociale Zekerheid, DG Personen met een handicap: "
        "online via handicap.belgium.be of gratis via 0800 987 99. Je ziekenfonds of het zorgloket van je "
        "gemeente helpt je ook.",
    "vaph":
        "Voor een persoonsvolgend budget of zorg en ondersteuning bij een handicap is het VAPH er "
        "(www.vaph.be). Een budget vraag je aan vóór je 65 wordt.",
    "belastingen":
        "Vragen over belastingen beantwoordt de FOD Financiën: via MyMinfin, het contactformulier op "
        "financien.belgium.be of 0257 257 57.",
    "werkloosheid":
        "Over een werkloosheidsuitkering beslist de RVA. Je vakbond (als je lid bent) of de Hulpkas voor "
        "Werkloosheidsuitkeringen (HVW) vraagt ze voor je aan en betaalt ze uit. "
        "Schrijf je binnen 8 dagen in bij VDAB.",
    "geldzaken":
        "Voor geldzaken zoals leningen of schulden kan je terecht bij je bank of het OCMW van je gemeente.",
    "ontslag":
        "Voor vragen over ontslag of contracten kan je als werkgever terecht bij je sociaal secretariaat. "
        "Als werknemer helpt je vakbond of een jurist je verder.",
    "solliciteren":
        "Voor hulp bij solliciteren of een cv kan je gratis terecht bij VDAB: 0800 30 700.",
    "medisch":
        "Voor medische vragen ga je best naar je huisarts of je apotheker.",
    "uitkering":
        "Voor vragen over je uitkering helpt je ziekenfonds (je mutualiteit) je verder.",
}
GENERAL_POINTER = ("Vragen over werk zoeken kan je gratis stellen aan VDAB (0800 30 700); "
                   "vragen over je uitkering aan je ziekenfonds.")
SCOPE_OFFER = ("Wil je iets weten over de VOP, individueel maatwerk, BTOM, jobcoaching of de "
               "terug-naar-werk-coördinator? Vraag het gerust.")

# ---------------------------------------------------------------- messages in another language
# French and English visitors get the summaries in knowledge_base/foreign/; these are the rest.

GERMAN_REPLY = (
    "Entschuldigung, ich kann nur auf Niederländisch helfen. Wenden Sie sich an Ihre Krankenkasse "
    "(ziekenfonds) und fragen Sie nach dem Rückkehr-zur-Arbeit-Koordinator, oder rufen Sie VDAB "
    "kostenlos unter 0800 30 700 an."
)
DUTCH_REPHRASE = (
    "Sorry, dat begreep ik niet goed. Wil je het nog eens in andere woorden zeggen? Je kan me "
    "bijvoorbeeld iets vragen over de VOP, individueel maatwerk, BTOM, jobcoaching of de "
    "terug-naar-werk-coördinator."
)
