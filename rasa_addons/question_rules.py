"""When a greeting, a thank-you or a goodbye is not what a message means (pure, no Rasa).

DIET often reads "Dag! Ik wil graag iemand spreken over mijn werk" as a greeting and "merci, en
moet ik dat zelf aanvragen?" as a thank-you: the opener is the part it knows best. A question
never gets a goodbye or a bare greeting, so such a message is read as the best request intent in
the ranking instead. `rasa_addons.question_guard` applies this inside Rasa's NLU.
"""
from __future__ import annotations

from dataclasses import dataclass

from dutch_text.questions import is_introduction, is_question, without_social_opener, word_count

# Intents that only acknowledge: they may open a message but are not its request.
SOCIAL_INTENTS = frozenset({"greet", "goodbye", "thank", "share_good_news", "affirm", "deny"})
# Words left after the opener that make a question of its own ("hoe vraag ik dat aan"), or,
# after a greeting, a request without a question ("ik wil iemand spreken"; "hallo, ik ben Jan"
# stays a greeting).
MIN_QUESTION_WORDS = 3
MIN_REQUEST_WORDS = 4


@dataclass(frozen=True)
class Ranked:
    name: str
    confidence: float


def means_a_request(text: str, top_intent: str) -> bool:
    """True when a message classified as `top_intent` (a social one) carries a request."""
    if top_intent not in SOCIAL_INTENTS or not text or text.lstrip().startswith("/"):
        return False
    words = word_count(without_social_opener(text))
    if is_question(text):
        return words >= MIN_QUESTION_WORDS
    # A greeting followed by a sentence of its own is a request; other openers need a question.
    # An introduction ("dag, ik ben Els, HR-manager") is still a greeting; the actions read its role.
    return top_intent == "greet" and words >= MIN_REQUEST_WORDS and not is_introduction(text)


def redirected(text: str, ranking: list[Ranked]) -> list[Ranked] | None:
    """The ranking without the social intents, renormalised, when the message carries a request
    (None: keep DIET's reading). Renormalised, because the question is now "which request?"."""
    if not ranking or not means_a_request(text, ranking[0].name):
        return None
    requests = [entry for entry in ranking if entry.name not in SOCIAL_INTENTS]
    total = sum(entry.confidence for entry in requests)
    if not requests or total <= 0:
        return None
    return [Ranked(entry.name, entry.confidence / total) for entry in requests]
