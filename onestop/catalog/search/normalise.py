"""Folding text so that what people type meets what the catalog says.

The same function runs over the catalog when the index is built and over every query, so any
folding here (diacritics, Arabic letter variants, the Arabic article) is symmetric: "é" finds
"e" and "e" finds "é", "أ" finds "ا" and back.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose but people write interchangeably.
_VARIANTS = {
    "\u0640": None,  # Arabic tatweel (a stretching stroke, not a letter)
    "\u0649": "\u064a",  # alef maksura → yeh
    "\u0629": "\u0647",  # teh marbuta → heh
    "\u0671": "\u0627",  # alef wasla → alef
    "œ": "oe",
    "æ": "ae",
    "ø": "o",
    "đ": "d",
    "ł": "l",
}
# One table drops every combining mark of the first two planes as well: str.translate runs in
# C, ten times faster than testing unicodedata.combining() character by character.
_FOLDS = str.maketrans(
    {chr(code): None for code in range(0x20000) if unicodedata.combining(chr(code))} | _VARIANTS
)
_WORD = re.compile(r"[^\W_]+")
# The Arabic article, alone or after a one-letter conjunction or preposition (و ب ف ك ل).
_ARABIC_ARTICLE = re.compile("^(?:[\u0648\u0628\u0641\u0643]?\u0627\u0644|\u0644\u0644)")
MIN_TOKEN_LENGTH = 2


def text_normalise(text: str) -> str:
    """Casefold, drop combining marks (Latin accents, Arabic tashkeel and hamza/madda on alef,
    Cyrillic diaeresis so ё reads е) and unify letter variants."""
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLDS)


def text_tokens(text: str) -> list[str]:
    """The words of `text`, normalised, in order; one-letter words are dropped."""
    tokens = []
    for word in _WORD.findall(text_normalise(text)):
        token = _arabic_article_strip(word)
        if len(token) >= MIN_TOKEN_LENGTH:
            tokens.append(token)
    return tokens


def _arabic_article_strip(word: str) -> str:
    """ "السفر" and "سفر" are the same word to a reader; keep at least a three-letter root."""
    match = _ARABIC_ARTICLE.match(word)
    if match and len(word) - match.end() >= 3:
        return word[match.end() :]
    return word
