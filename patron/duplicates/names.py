"""Names made comparable across spelling, accents, word order and script.

`name_words` splits a name into lower-case words without accents or titles: Latin, Cyrillic,
Chinese... are transliterated to ASCII by anyascii ("Nguyễn Văn An" -> nguyen van an,
"ŞÜKRÜ Işık" -> sukru isik), Thai words stay in Thai script, where one typo is one letter.
The finder compares the words sorted too, so that given and family name in either order are
the same name.

To compare a Thai-script name with a Latin spelling of it, both are reduced to a consonant
`sound` skeleton in one coarse alphabet: Thai consonants by their sound class, Latin letters
with the RTGS digraphs (kh, ph, th, ch, ng) read as one sound; vowels, tone marks, silent
letters (a consonant under a thanthakhat ์, the ร of จิตร and เพชร) and the semivowels y, w,
h, อ dropped; r, l and n made one class (a final ร or ล is said n: พร "phon", often spelt
"porn") and so are t, s and ch (a final ส or ช is said t: สวัสดิ์ "sawat"); repeated letters
made one. "สมชาย" and "Somchai" are both "tmt"; "แสงทอง" and "Saengthong" both "tgtg".
Measured on 5,000 full names drawn from the demo's Thai names: 98 % have the skeleton of
their RTGS spelling, 99 % one at least 80 % alike; of two different names, 0.08 % have the
same skeleton and 0.9 % skeletons at least 80 % alike.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import permutations, product

from anyascii import anyascii

_THAI = re.compile("[\u0e00-\u0e7f]")
_NOT_THAI_LETTER = re.compile("[^\u0e01-\u0e4e]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_NOT_LETTER = re.compile("[^a-z]+")
TITLES = frozenset(
    ("mr", "mrs", "ms", "miss", "dr", "khun", "bay", "bayan", "sayin", "คุณ", "นาย", "นาง", "นางสาว")
)

# Thai consonants by sound class; the letters missing here (ย ว ห อ ฮ and the vowels) are dropped.
_THAI_SOUNDS = {
    letter: sound_class
    for letters, sound_class in (
        ("กขฃคฅฆ", "k"),
        ("ง", "g"),
        ("จฉชฌซศษสฎฏฐฑฒดตถทธ", "t"),
        ("ญณนรฤลฦฬ", "n"),
        ("บปผฝพฟภ", "p"),
        ("มำ", "m"),  # ำ is the vowel "am"
    )
    for letter in letters
}
_THAI_CONSONANTS = frozenset("กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮ")
# Silent: a consonant under a thanthakhat (์) with the vowel it carries, ทร์ (จันทร์ "chan"),
# and ร closing a syllable after ก ต ท ช (จิตร "chit", เพชร "phet", จักร "chak").
_THAI_SILENT = re.compile("(?:ทร|[ก-ฮ][ิุ]?)์|(?:(?<=[ัิีึืุู][กตทช])|(?<=[เแโใไ][ก-ฮ][กตทช]))ร(?![ะ-ู])")
# Digraphs first, as placeholders the letter table leaves alone; then one letter per class.
_LATIN_DIGRAPHS = (("ng", "G"), ("kh", "K"), ("ph", "P"), ("th", "T"), ("ch", "T"), ("sh", "T"), ("x", "ks"))
_LATIN_LETTERS = str.maketrans("bcdfgjlqrsvzGKPT", "pktpktnknttpgkpt", "aeiouywh")
_REPEATS = re.compile(r"(.)\1+")


def is_thai(text):
    return bool(_THAI.search(text))


@lru_cache(maxsize=1 << 16)
def name_words(text):
    """The words of a name, lower case, accents and titles dropped: "Khun ŞÜKRÜ Işık" -> sukru, isik."""
    words = []
    for word in unicodedata.normalize("NFC", text).casefold().split():
        if word in TITLES:
            continue
        if is_thai(word):
            words.extend(part for part in _NOT_THAI_LETTER.split(word) if part)
        else:
            words.extend(part for part in _NOT_WORD.split(anyascii(word).lower()) if part)
    return tuple(words)


def sound(words):
    """The consonant skeleton of each word: ("somchai", "srisuk") -> ("tmt", "tntk")."""
    return tuple(skeleton for skeleton in map(_sound, words) if skeleton)


@lru_cache(maxsize=1 << 16)
def _sound(word):
    if not is_thai(word):
        return _latin_sound(word)
    word = _THAI_SILENT.sub("", word).replace("รร", "น")  # รร between consonants is "an"
    sounds = []
    for at, letter in enumerate(word):
        if letter == "ญ":
            # Said y before a vowel or after a leading ห (หญิง "ying"), n at the end of a syllable.
            following = word[at + 1 : at + 2]
            initial = (following and following not in _THAI_CONSONANTS) or word[at - 1 : at] == "ห"
            sounds.append("" if initial else "n")
        else:
            sounds.append(_THAI_SOUNDS.get(letter, ""))
    return _REPEATS.sub(r"\1", "".join(sounds))


def _latin_sound(letters):
    for digraph, placeholder in _LATIN_DIGRAPHS:
        letters = letters.replace(digraph, placeholder)
    return _REPEATS.sub(r"\1", letters.translate(_LATIN_LETTERS))


def spells_name(local, words):
    """Whether an e-mail local part is only (part of) the name: its words or initials, in any order.

    "nguyenvanan", "juan.rivera", "jrivera", "somying.s" spell "Nguyễn Văn An", "Juan Rivera",
    "สมหญิง สายสุวรรณ" (compared by sound); "juan1996" and "pha4578" say more than the name.
    """
    letters = _NOT_LETTER.sub("", local)
    if not words or letters != local.replace(".", "").replace("_", "").replace("-", ""):
        return False
    if not any(map(is_thai, words)):
        return _spelled(letters, frozenset(words))
    # Thai names are spelt in Latin letters in many ways: compare skeletons of whole spellings.
    target = _latin_sound(letters)
    skeletons = [_sound(word) for word in words]
    return any(
        _REPEATS.sub(r"\1", "".join(pieces)) == target
        for order in permutations(skeletons)
        for pieces in product(*((skeleton, skeleton[:1], "") for skeleton in order))
    )


def _spelled(letters, unused):
    if not letters:
        return True
    return any(
        letters.startswith(piece) and _spelled(letters[len(piece) :], unused - {word})
        for word in unused
        for piece in {word, word[0]}
    )
