"""Folding text for search, so that case and accents never hide a customer.

"Nguyễn" -> "nguyen", "İstanbul" -> "istanbul", "Şükrü" -> "sukru", "IŞIK" -> "isik".
Only the Latin combining accents (U+0300-U+036F) are removed: Thai vowel and tone marks
are letters of the word, not accents, and stay.
"""

import re
import unicodedata

# Letters that carry their stroke or dot in the base character, so NFD cannot split them.
_LETTER_MAP = str.maketrans(
    {
        "ı": "i",
        "đ": "d",
        "ð": "d",
        "ø": "o",
        "ł": "l",
        "ħ": "h",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
    }
)
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")


def fold(text):
    """Case- and accent-free form of `text`, with runs of white space made one space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = _LATIN_ACCENTS.sub("", decomposed).translate(_LETTER_MAP)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def search_terms(query):
    """The folded words of a query; each must be found for a customer to match."""
    return [term for term in fold(query).split(" ") if term]
