"""Detect the text encoding of an uploaded CSV/TSV file from a sample of its bytes.

The files come from point-of-sale systems, web shops and hand-kept
spreadsheets in Thailand, Vietnam, Turkey and the Philippines, so besides
UTF-8 and UTF-16 we meet the legacy Windows code pages of those markets:
cp874 (Thai), cp1258 (Vietnamese), cp1254 (Turkish) and cp1252 (Latin).
:func:`detect_encoding` applies its rules most reliable first and stops at
the first that answers:

1. A byte-order mark names the encoding outright (UTF-32 is checked before
   UTF-16, whose little-endian BOM is a prefix of UTF-32's).
2. UTF-16 without a BOM shows as a NUL in every other byte, always on the
   same side, for mostly-ASCII text (:func:`_bomless_utf16`). This comes
   before the binary check, which would refuse those NULs.
3. Anything else with NULs or many control characters is binary and refused
   with :class:`~patron.imports.formats.FileRefused`.
4. A sample that decodes as UTF-8 is UTF-8 (plain ASCII included). Legacy
   code-page text almost never happens to be valid UTF-8, so this is safe.
5. Otherwise it is a legacy code page. These decode nearly any bytes without
   error, so a successful decode proves nothing; :func:`_guess_legacy` looks
   for each language's fingerprint instead (Thai spelling, Vietnamese
   combining tones, Turkish-only letters), then tries cp1252, and only then
   asks charset-normalizer, whose statistics are unreliable on the short,
   mostly-ASCII samples typical of these exports.

An encoding given by the user skips detection but is still validated
(:func:`_checked_encoding`), with Windows spellings such as "windows-874"
accepted.
"""

from __future__ import annotations

import codecs
import re

from django.utils.translation import gettext_noop

from patron.imports.formats import FileRefused, _refuse_binary_text
from patron.imports.messages import said

__all__ = ["detect_encoding"]

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_ENCODING_ALIASES = {
    # Names people copy from Windows or from a POS manual that Python spells differently.
    "windows-874": "cp874",
    "windows874": "cp874",
    "win874": "cp874",
    "x-windows-874": "cp874",
}


def detect_encoding(sample: bytes, *, complete: bool = True) -> str:
    """Return the Python codec name for a text sample, or raise :class:`FileRefused` if it is binary.

    Rules, most reliable first: a BOM; valid UTF-8 (ASCII included) is UTF-8;
    UTF-16 without a BOM by its NUL pattern; then the legacy Windows code pages
    of our markets by the bytes their own letters use (:func:`_guess_legacy`).
    ``complete`` says whether the sample is the whole file (if not, a
    multi-byte character cut at its end is not an error).
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    utf16 = _bomless_utf16(sample)
    if utf16:
        return utf16
    _refuse_binary_text(sample)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return _guess_legacy(sample)
    return "utf-8"


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text puts a NUL in every other byte, always the same one."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0) / pairs
    odd_nuls = sample[1 : pairs * 2 : 2].count(0) / pairs
    if odd_nuls > 0.2 and even_nuls < 0.01:
        name = "utf-16-le"
    elif even_nuls > 0.2 and odd_nuls < 0.01:
        name = "utf-16-be"
    else:
        return None
    try:
        codecs.getincrementaldecoder(name)().decode(sample[: pairs * 2], final=False)
    except UnicodeDecodeError:
        return None
    return name


_HIGH = re.compile(rb"[\x80-\xff]")
_HIGH_NEXT_TO_LATIN = re.compile(rb"(?<=[A-Za-z])[\x80-\xff]|[\x80-\xff](?=[A-Za-z])")
_THAI_BYTES = re.compile(rb"[\xa1-\xfb]")
_THAI_MARKS = re.compile(rb"[\xd1\xd4-\xda\xe7-\xee]")  # above/below vowels, tone marks
_THAI_LEADING_VOWELS = re.compile(rb"[\xe0-\xe4]")  # เ แ โ ใ ไ, written before their consonant
_THAI_MISPLACED = re.compile(
    rb"(?<![\xa1-\xce\xd1\xd4-\xda\xe7-\xee])[\xd1\xd4-\xda\xe7-\xee]|[\xe0-\xe4](?![\xa1-\xce])"
)
# cp1258 writes Vietnamese tones as combining marks after the vowel: grave 0xCC, acute 0xEC,
# hook 0xD2, tilde 0xDE, dot below 0xF2. 0xDE is also Turkish "Ş" in cp1254, so it only
# counts after a lowercase vowel, where a Turkish capital would not appear.
_VIETNAMESE_TONES = re.compile(
    rb"(?<=[aeiouyAEIOUY\xe2\xea\xf4\xe3\xf5\xfd\xc2\xca\xd4\xc3\xd5\xdd])[\xcc\xec\xd2\xf2]"
    rb"|(?<=[aeiouy\xe2\xea\xf4\xe3\xf5\xfd])\xde"
)
# Turkish-only letters in cp1254: ğ 0xF0, ş 0xFE, ı 0xFD, Ğ 0xD0, İ 0xDD, Ş 0xDE.
_TURKISH_LETTERS = re.compile(rb"[\xf0\xfe\xfd\xd0\xdd\xde]")


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _guess_legacy(sample: bytes) -> str:
    """Pick a legacy code page for text that is not UTF-8.

    All these code pages decode any Latin text without error, so we look for
    each language's fingerprint instead of trusting a decode:

    * Accented Latin letters sit between ASCII letters; a script of its own
      (Thai, but also Chinese or Cyrillic) does not. For such text, Thai
      (cp874) is recognised by its spelling (:func:`_looks_thai`), anything
      else is left to charset-normalizer.
    * Vietnamese (cp1258): combining tone marks right after a vowel.
    * Turkish (cp1254): ğ ş ı Ğ İ Ş, which no other code page here uses for
      common letters.

    Without a fingerprint, Windows-1252 is the answer if it decodes cleanly
    (Spanish-origin Filipino names such as "Peña", a stray "José"). Only then
    is charset-normalizer asked: on a short, mostly ASCII sample with a handful
    of accented letters its statistics are unreliable, so it is the fallback,
    not the first rule.
    """
    high = len(_HIGH.findall(sample))
    if len(_HIGH_NEXT_TO_LATIN.findall(sample)) < 0.3 * high:
        # A script written apart from Latin letters: Thai, or (outside our markets) Chinese, Cyrillic...
        return "cp874" if _looks_thai(sample, high) else _charset_normalizer_guess(sample)
    if len(_VIETNAMESE_TONES.findall(sample)) >= max(1, 0.1 * high) and _decodes(sample, "cp1258"):
        return "cp1258"
    if len(_TURKISH_LETTERS.findall(sample)) >= max(1, 0.05 * high) and _decodes(sample, "cp1254"):
        return "cp1254"
    if _decodes(sample, "cp1252"):
        return "cp1252"
    return _charset_normalizer_guess(sample)


def _looks_thai(sample: bytes, high: int) -> bool:
    """Thai in cp874: bytes 0xA1-0xFB, marks placed after consonants, leading vowels before them.

    Chinese or Cyrillic bytes also fall in 0xA1-0xFB and often decode as cp874,
    but put vowel and tone marks in places Thai spelling never does.
    """
    if len(_THAI_BYTES.findall(sample)) < 0.8 * high or not _decodes(sample, "cp874"):
        return False
    marks = len(_THAI_MARKS.findall(sample)) + len(_THAI_LEADING_VOWELS.findall(sample))
    misplaced = len(_THAI_MISPLACED.findall(sample))
    return misplaced <= 0.05 * marks


def _charset_normalizer_guess(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    # We already know the sample has no NULs and is not UTF-8: keep it from "finding" UTF-16/32.
    wide = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "utf_7"]
    match = from_bytes(sample, cp_exclusion=wide).best()
    if match is None:
        return "cp1252"
    return codecs.lookup(match.encoding).name


def _checked_encoding(name: str, sample: bytes, *, complete: bool = True) -> str:
    """Validate an encoding given by the user against the file; a UTF-8 file's BOM is still skipped.

    The first bytes must read as text in that encoding (:func:`_check_reads_as`), so that a wrong
    choice is refused with a sentence saying to choose another, not read as nonsense.
    """
    name = _ENCODING_ALIASES.get(name.strip().lower(), name.strip())
    try:
        codec = codecs.lookup(name)
    except LookupError:
        codec = None
    if codec is None or not codec._is_text_encoding:  # "base64" and other bytes-to-bytes codecs
        raise FileRefused(said(gettext_noop("Unknown text encoding: %(encoding)s."), encoding=name))
    canonical = codec.name
    if canonical == "utf-8" and sample.startswith(codecs.BOM_UTF8):
        canonical = "utf-8-sig"
    elif canonical in ("utf-16", "utf-32") and not any(sample.startswith(bom) for bom, _name in _BOMS):
        # Python's UTF-16 and UTF-32 read a file only from its BOM; without one, tell the byte order.
        canonical = (canonical == "utf-16" and _bomless_utf16(sample)) or f"{canonical}-le"
    _check_reads_as(sample, canonical, name, complete=complete)
    return canonical


_MARKS = "\r\n,;\t|"  # line breaks and delimiters: every table has some, in any encoding


def _check_reads_as(sample: bytes, encoding: str, name: str, *, complete: bool) -> None:
    """Refuse a file whose first bytes are not text in ``encoding``: they do not decode, decode to
    NULs (UTF-16 read as a single-byte encoding), or lose every line break and delimiter the
    bytes hold (a single-byte file read as UTF-16 or UTF-32)."""
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeError:  # a UnicodeDecodeError, or UTF-16 that does not start with its BOM
        text = None
    if (
        text is None
        or text.count("\x00") > len(text) // 100
        or any(mark.encode() in sample for mark in _MARKS)
        and not any(mark in text for mark in _MARKS)
    ):
        message = gettext_noop(
            "This file cannot be read as %(encoding)s text: choose another encoding with --encoding, "
            "or leave it out for Patron to detect it."
        )
        raise FileRefused(said(message, encoding=name))
