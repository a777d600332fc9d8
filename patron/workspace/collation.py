"""Sort names as a language's dictionary does (CLDR collation), without ICU.

Python compares code points, so "Åland" would follow "Zambia", Turkish "Çad" follow "Vietnam"
and Thai "เกาหลีใต้" follow every name starting with another consonant. ``sort_key`` follows the
rules of CLDR's collation that names in Patron's languages meet: accents count only between
names that are otherwise equal; the letters a language has of its own sort after their base
letter (Turkish ç ğ ı ö ş ü, Vietnamese ă â đ ê ô ơ ư, Filipino ñ and ng); Vietnamese tones in
their order (grave, hook, tilde, acute, dot below); Thai's leading vowels (เ แ โ ใ ไ) sort by
the consonant they precede, tone marks count like accents, punctuation is ignored and Thai
comes before Latin; lower case before upper. A test compares the country lists with Chromium's
ICU collator in every language.
"""

import functools
import unicodedata

# Letters a language sorts as their own, just after the base letter: (base, mark) -> rank.
_OWN_LETTERS = {
    "tr": {
        ("c", "\u0327"): 1,
        ("g", "\u0306"): 1,
        ("o", "\u0308"): 1,
        ("s", "\u0327"): 1,
        ("u", "\u0308"): 1,
    },
    "vi": {
        ("a", "\u0306"): 1,
        ("a", "\u0302"): 2,
        ("e", "\u0302"): 1,
        ("o", "\u0302"): 1,
        ("o", "\u031b"): 2,
        ("u", "\u031b"): 1,
    },
    "fil": {("n", "\u0303"): 1},
}
# Letters without a decomposition that a language sorts as a letter of its own.
_OWN_SINGLE_LETTERS = {"tr": {"ı": ("i", -1)}, "vi": {"đ": ("d", 1)}}
_VIETNAMESE_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_THAI_LEADING_VOWELS = frozenset("เแโใไ")
_THAI_MARKS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
# CLDR's root order of the punctuation names hold, before any digit or letter.
_PUNCTUATION = " _-,;:!?.'’\"()[]{}@*/\\&#%`^+<=>|~$"

# Groups of primary weights: punctuation, digits, then letters (Thai first in Thai).
_PUNCT, _DIGIT, _THAI_FIRST, _LETTER = range(4)


def _punctuation(char):
    place = _PUNCTUATION.find(char)
    return place if place >= 0 else len(_PUNCTUATION) + ord(char)


def _language(code):
    return (code or "en").replace("_", "-").split("-")[0].lower()


def _is_mark(char):
    """An accent or tone mark; Thai's vowels above and below the consonant are letters."""
    if "\u0e00" <= char <= "\u0e7f":
        return char in _THAI_MARKS
    return unicodedata.combining(char) > 0


def _units(text):
    """(base character, its combining marks) in order, Thai leading vowels after their consonant."""
    chars = unicodedata.normalize("NFD", text)
    units = []
    i = 0
    while i < len(chars):
        base = chars[i]
        i += 1
        marks = []
        while i < len(chars) and _is_mark(chars[i]):
            marks.append(chars[i])
            i += 1
        units.append([base, marks])
    j = 0
    while j < len(units) - 1:
        if units[j][0] in _THAI_LEADING_VOWELS and "\u0e01" <= units[j + 1][0] <= "\u0e2e":
            units[j], units[j + 1] = units[j + 1], units[j]
            j += 1
        j += 1
    return units


@functools.lru_cache(maxsize=8192)
def sort_key(text, language="en"):
    """A key that sorts ``text`` among others as ``language``'s collation does."""
    language = _language(language)
    own_letters = _OWN_LETTERS.get(language, {})
    own_single = _OWN_SINGLE_LETTERS.get(language, {})
    primary, secondary, tertiary, ignored = [], [], [], []
    units = _units(text)
    i = 0
    while i < len(units):
        base, marks = units[i]
        i += 1
        if not base.isalnum() and not unicodedata.category(base).startswith("M"):
            if language == "th":  # [alternate shifted]: punctuation only breaks ties
                ignored.append(_punctuation(base))
                continue
            primary.append((_PUNCT, _punctuation(base), 0))
            secondary.append(())
            tertiary.append(0)
            continue
        upper = base != base.lower()
        letter = base.lower()
        if language == "tr" and base == "I":
            letter = "i" if "\u0307" in marks else "ı"
            marks = [mark for mark in marks if mark != "\u0307"]
        rank = 0
        if letter in own_single:
            letter, rank = own_single[letter]
        for mark in marks:
            if (letter, mark) in own_letters:
                rank = own_letters[(letter, mark)]
                marks = [other for other in marks if other != mark]
                break
        if language == "fil" and letter == "n" and not marks and i < len(units) and units[i][0] in "gG":
            rank = 2
            i += 1
        if base.isdigit():
            group = _DIGIT
        elif language == "th" and "\u0e00" <= base <= "\u0e7f":
            group = _THAI_FIRST
        else:
            group = _LETTER
        primary.append((group, ord(letter), rank))
        if language == "vi":
            secondary.append(tuple(_VIETNAMESE_TONES.get(mark, ord(mark)) for mark in marks))
        else:
            secondary.append(tuple(ord(mark) for mark in marks))
        tertiary.append(1 if upper else 0)
    return (tuple(primary), tuple(secondary), tuple(tertiary), tuple(ignored), text)
