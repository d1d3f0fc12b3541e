import pytest

from actions.roles import role_in_text


@pytest.mark.parametrize("text", [
    "ik ben zaakvoerder van een bouwbedrijf, wat kan ik doen voor een zieke arbeider",
    "als werkgever wil ik weten wie die werkpost betaalt",
    "mijn werknemer is al een jaar thuis met rugklachten",
    "onze medewerkster wil halftijds terugkomen",
    "wij zijn een kleine bakkerij en onze gast is ziek",
])
def test_the_words_of_an_employer_say_employer(text):
    assert role_in_text(text) == "employer"


@pytest.mark.parametrize("text", [
    "mijn baas wil dat ik halftijds terugkom, mag dat",
    "ik ben al acht maanden ziek thuis na een operatie",
    "ik sta op de mutualiteit en wil graag terug werken",
])
def test_the_words_of_someone_on_sick_leave_say_participant(text):
    assert role_in_text(text) == "participant"


@pytest.mark.parametrize("text", [
    "wat is individueel maatwerk",
    # Both at once (a team leader who is ill himself?): not guessed.
    "ik ben teamleider en mijn baas zegt dat ik te veel ziek ben",
])
def test_no_role_or_two_roles_is_none(text):
    assert role_in_text(text) is None
