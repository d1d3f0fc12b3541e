"""What a person in crisis, or someone worried about them, reads first. All the copy is here.

Warmth and people to talk to, before anything else: no questions, no buttons, no form.
Sources: ../shared/facts.md §18 (Zelfmoordlijn 1813: free, anonymous, phone day and night,
chat and e-mail via zelfmoord1813.be; the chat hours are not certain. 112: free, day and night).
"""
from __future__ import annotations

from safety.crisis import Assessment

_FOR_THE_WRITER = {
    "nl": (
        "Wat je schrijft, klinkt heel zwaar. Fijn dat je het zegt. Je hoeft dit niet alleen te dragen.\n\n"
        "• Praat nu met iemand van de Zelfmoordlijn: bel 1813. Dat is gratis en anoniem, dag en nacht. "
        "Je kan ook chatten of mailen via www.zelfmoord1813.be. De uren van de chat weet ik niet zeker, "
        "die staan op de site.\n"
        "• Bel meteen 112 als je nu in gevaar bent, of als je jezelf al iets hebt aangedaan. "
        "Ook dat is gratis, dag en nacht.\n"
        "• Vertel het ook aan iemand die je vertrouwt, of aan je huisarts. 's Avonds en in het weekend "
        "helpt de huisartsenwachtpost.\n\n"
        "Later kan je ook met een mens praten over je werk en je ziekte: een terug-naar-werk-coördinator "
        "van je ziekenfonds. Zeg het me gewoon wanneer jij dat wil. Nu gaat het eerst om jou."
    ),
    "fr": (
        "Ce que vous écrivez a l'air très lourd. Merci de le dire. Vous n'êtes pas seul(e).\n\n"
        "• En cas de danger immédiat, appelez le 112 : gratuit, jour et nuit.\n"
        "• La Zelfmoordlijn 1813 (ligne d'écoute pour la prévention du suicide) est gratuite et anonyme, "
        "par téléphone jour et nuit, et par chat sur www.zelfmoord1813.be. Elle répond en néerlandais ; "
        "je ne connais pas de ligne en français que je puisse vous indiquer avec certitude.\n"
        "• Parlez-en aussi à quelqu'un de confiance ou à votre médecin traitant. Il peut vous orienter "
        "vers une aide en français."
    ),
    "en": (
        "What you write sounds very heavy. Thank you for saying it. You do not have to carry this alone.\n\n"
        "• If you are in danger right now, call 112: free, day and night.\n"
        "• The Zelfmoordlijn 1813 (suicide prevention line) is free and anonymous, by phone day and night, "
        "and by chat at www.zelfmoord1813.be. It is a Dutch-language line; I do not know for sure of a line "
        "in English.\n"
        "• Please also tell someone you trust, or your GP (huisarts), who can help you find support in English."
    ),
}

_FOR_SOMEONE_WHO_WORRIES = {
    "nl": (
        "Wat je vertelt, is heel ernstig. Goed dat je er iets mee doet. Je hoeft dit niet alleen op te lossen.\n\n"
        "• Bel meteen 112 als er nu acuut gevaar is. Dat is gratis, dag en nacht.\n"
        "• De Zelfmoordlijn 1813 is gratis en anoniem, dag en nacht. Je kan zelf bellen als je niet weet wat "
        "je moet doen, en je kan de persoon aanmoedigen om te bellen of te chatten via www.zelfmoord1813.be. "
        "De uren van de chat weet ik niet zeker, die staan op de site.\n"
        "• Neem het ernstig, blijf in de buurt als dat kan, en vraag hulp aan de huisarts.\n\n"
        "Zorg ook voor jezelf: dit is zwaar om te dragen."
    ),
    "fr": (
        "Ce que vous racontez est très sérieux. C'est bien d'agir.\n\n"
        "• En cas de danger immédiat, appelez le 112 : gratuit, jour et nuit.\n"
        "• La Zelfmoordlijn 1813 est gratuite et anonyme, jour et nuit, aussi par chat sur www.zelfmoord1813.be. "
        "Elle répond en néerlandais ; je ne connais pas de ligne en français que je puisse vous indiquer "
        "avec certitude.\n"
        "• Prenez-le au sérieux, restez près de la personne si vous le pouvez, et demandez l'aide de son "
        "médecin traitant."
    ),
    "en": (
        "What you tell me is very serious. It is good that you are acting on it.\n\n"
        "• If there is danger right now, call 112: free, day and night.\n"
        "• The Zelfmoordlijn 1813 is free and anonymous, day and night, also by chat at www.zelfmoord1813.be. "
        "It is a Dutch-language line; I do not know for sure of a line in English.\n"
        "• Take it seriously, stay close to the person if you can, and ask their GP (huisarts) for help."
    ),
}


def crisis_reply(assessment: Assessment) -> str:
    """The one message a crisis gets: in the writer's language, worded for them or for a naaste."""
    replies = _FOR_SOMEONE_WHO_WORRIES if assessment.about_someone_else else _FOR_THE_WRITER
    return replies.get(assessment.language, replies["nl"])
