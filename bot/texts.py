"""Every sentence the front ends show (Telegram and the terminal chat), in one place.

What the assistant answers comes from Rasa (the domain's responses and actions/texts.py); these
are the front ends' own words: welcome and help, waiting and apologies, messages it cannot read,
and the coordinators' commands. Dutch, Flemish register, "je".
"""

# ---------------------------------------------------------------- participants (both front ends)

WELCOME = (
    "Hallo! Ik ben de terug-naar-werk-assistent.\n\n"
    "Ik help je met vragen over weer aan het werk gaan na een lange ziekte. "
    "Ook werkgevers kunnen hier terecht, bijvoorbeeld over de VOP, de BTOM of jobcoaching. "
    "Ik kan ook een gesprek regelen met een terug-naar-werk-coördinator van je ziekenfonds.\n\n"
    "Ik ben een computerprogramma, geen mens.\n\n"
    "Privacy: ik bewaar ons gesprek onder een code, niet onder je naam, zodat ik je vervolgvragen "
    "begrijp. Ik wis het vanzelf na enkele maanden. Andere persoonlijke gegevens bewaar ik pas als "
    "je dat goed vindt. Typ /privacy voor meer uitleg.\n\n"
    "Stel je vraag gewoon in je eigen woorden. Bijvoorbeeld: \"Wat is de VOP?\""
)
HELP = (
    "Zo werkt het:\n"
    "• Stel je vraag in gewone woorden, bijvoorbeeld \"Wie betaalt een aangepaste werkplek?\"\n"
    "• Tik op een knop om een keuze te maken.\n"
    "• Wil je met iemand praten? Typ \"ik wil een coördinator spreken\".\n\n"
    "Opdrachten:\n"
    "/start – wat ik kan\n"
    "/help – deze uitleg\n"
    "/privacy – wat ik bewaar en hoe je het laat wissen\n"
    "/stop – stoppen met wat we aan het doen zijn"
)
PRIVACY = (
    "Privacy\n\n"
    "• Ik ben een computerprogramma. Ik gebruik je naam of nummer van Telegram niet.\n"
    "• Ons gesprek wordt bewaard onder een code, niet onder je naam. "
    "Zo begrijp ik je vervolgvragen.\n"
    "• Voor een afspraak met een coördinator vraag ik eerst je toestemming. "
    "Pas daarna bewaar ik je naam en hoe we je kunnen bereiken.\n"
    "• Alleen de coördinator van je afspraak ziet die gegevens.\n\n"
    "Wil je zien wat we over je bewaren? Typ \"wat weten jullie over mij\".\n"
    "Wil je alles laten wissen? Typ \"wis mijn gegevens\"."
)
STOPPED = "Oké, ik stop hiermee. Je kan altijd opnieuw beginnen met een nieuwe vraag."
TEXT_ONLY = (
    "Ik kan alleen tekst lezen. Foto's, stickers, spraakberichten en bestanden begrijp ik niet. "
    "Typ je vraag gerust in een bericht."
)
EDITED = (
    "Ik zie dat je een bericht hebt aangepast. Aanpassingen lees ik niet. "
    "Stuur je vraag gerust opnieuw als nieuw bericht."
)
UNKNOWN_COMMAND = "Die opdracht ken ik niet. Typ /help om te zien wat ik kan."
EMPTY_MESSAGE = "Ik zie geen tekst in je bericht. Typ je vraag gerust in gewone woorden."
TOO_LONG = "Dat bericht is te lang voor mij. Kan je je vraag korter stellen, in een paar zinnen?"
NO_ANSWER = "Daar heb ik even geen antwoord op. Probeer het gerust anders te vragen."
PLEASE_WAIT = "Even geduld, het duurt wat langer dan normaal. Ik probeer het verder."
UNAVAILABLE = (
    "Sorry, ik ben even niet bereikbaar. Probeer het over een paar minuten opnieuw. "
    "Dringend? Bel je ziekenfonds en vraag naar de terug-naar-werk-coördinator."
)
TOO_SLOW = (
    "Sorry, dat duurde te lang. Stuur je vraag gerust nog eens. "
    "Dringend? Bel je ziekenfonds en vraag naar de terug-naar-werk-coördinator."
)
SLOW_DOWN = "Rustig aan, ik ben nog met je vorige berichten bezig. Wacht even op mijn antwoord."
ALREADY_CHOSEN = "Je hebt hier al een keuze gemaakt."
BUTTON_EXPIRED = "Deze knop werkt niet meer. Typ je keuze gerust als bericht."
SOMETHING_WENT_WRONG = "Sorry, er ging iets mis. Probeer het gerust nog eens."

# ---------------------------------------------------------------- the terminal chat only

TERMINAL_WELCOME = (
    "Welkom bij de terug-naar-werk-assistent.\n"
    "Ik ben een computerprogramma, geen mens. Stel je vraag in gewone woorden.\n"
    "Typ /stop (of druk Ctrl-D) om te stoppen."
)
GOODBYE = "Tot ziens!"

# ---------------------------------------------------------------- buttons

BUTTONS_ONLY_TEXT = "Maak een keuze:"

# ---------------------------------------------------------------- the command menus (command, description)

USER_COMMAND_MENU = (
    ("start", "Wat kan de assistent?"),
    ("help", "Hoe werkt het?"),
    ("privacy", "Wat wordt bewaard en hoe wis je het?"),
    ("stop", "Stoppen met wat we aan het doen zijn"),
)
COORDINATOR_COMMAND_MENU = (
    ("intakes", "Je intakes van de komende twee weken"),
    ("vandaag", "Je intakes van vandaag"),
    ("intake", "Eén intake bekijken, bv. /intake 12"),
    ("klaar", "Intake afgerond, bv. /klaar 12"),
    ("nietgekomen", "Deelnemer niet gekomen, bv. /nietgekomen 12"),
    ("vragen", "Vragen van deze week zonder antwoord"),
)

# ---------------------------------------------------------------- coordinators

NOT_A_COORDINATOR = (
    "Deze opdracht is alleen voor terug-naar-werk-coördinatoren. "
    "Heb je een vraag? Typ ze gewoon in een bericht."
)
PRIVATE_ONLY = (
    "Deze opdrachten werken alleen in een privégesprek met mij, zodat niemand anders de "
    "gegevens van deelnemers leest."
)
DATABASE_DOWN = "De intakegegevens zijn nu even niet bereikbaar. Probeer het zo meteen opnieuw."
NEEDS_NUMBER = "Zet het nummer van de intake erachter, bijvoorbeeld: /{command} 12"
NO_INTAKES = "Er staan geen intakes gepland in de komende twee weken."
NO_INTAKES_TODAY = "Er staan vandaag geen intakes gepland."
NO_QUESTIONS = "Er zijn deze week geen onbeantwoorde vragen."
MARKED = {"done": "Intake #{id} staat op afgerond. ✓", "no_show": "Intake #{id} staat op niet opgedaagd."}
