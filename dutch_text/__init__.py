"""Plain-text helpers for Dutch as people type it; the bottom layer (imports nothing of ours).

Every package compares words through `fold`, so "Coördinator", "coordinator" and "COÖRDINATOR"
are the same word everywhere: in the knowledge-base search, the crisis net, the names of
ziekenfondsen and provinces, and the booking form.
"""
from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """Lower case without accents: "Coördinator" -> "coordinator", "CAFÉ" -> "cafe".

    Case is folded with `str.casefold` (so "ß" becomes "ss"). Accents go by decomposing the text
    (NFKD) and dropping the combining marks; the decomposition also turns compatibility forms into
    plain ones ("ﬁ" -> "fi", full-width "４" -> "4"). Letters that do not decompose stay as they
    are ("ø", "ł", "æ"), and so does everything else (digits, punctuation, spaces): a caller that
    wants letters only filters afterwards. The result can be shorter or longer than the input, so
    positions in it are not positions in `text`.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
