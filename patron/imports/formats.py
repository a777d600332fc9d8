"""Recognise what an uploaded file is from its first bytes, and refuse what is not a table.

Import files are judged by content, never by name: people rename a PDF to
``.csv`` or save a web page as ``.xls``. This module holds the checks that
come before any attempt to read cells:

* :func:`_check_is_xlsx` looks inside a ZIP archive for ``xl/workbook.xml``
  and names the other ZIP-based formats it meets (.xlsb, .ods, Word,
  PowerPoint) so the refusal can say what the file really is.
* :func:`_refuse_known_binary` matches the signatures of PDFs, images, legacy
  ``.xls`` and other archives, and the HTML or XML pages some point-of-sale
  systems "export to Excel".
* :func:`_refuse_binary_text` refuses what is left if it has NULs or many
  control characters, which no text in a single-byte or UTF-8 encoding has;
  encoding detection calls it once UTF-16 (whose NULs are legitimate) is ruled out.
* :func:`_check_declared_sizes` refuses an XLSX file whose parts say they unpack to
  more than Patron reads, or many hundred times their packed size (a "ZIP bomb"),
  before a byte is unpacked (:mod:`patron.imports.xlsx_parts` holds them to it while
  reading too, since what an archive declares can lie).
* :func:`check_upload` is all of this for a file just uploaded.

Every refusal is a :class:`FileRefused`, whose message can be shown to the
person who uploaded the file as it is. The reading and encoding modules raise
it too; it is importable from :mod:`patron.imports.reading` as well.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from django.utils.translation import gettext_noop

from patron.imports.limits import (
    XLSX_MAX_OTHER_PART_BYTES,
    XLSX_MAX_RATIO,
    XLSX_MAX_SHARED_STRINGS_BYTES,
    XLSX_MAX_SHEET_BYTES,
    XLSX_RATIO_FROM,
    number_text,
)
from patron.imports.messages import said

__all__ = ["FileRefused", "check_upload"]

_SIGNATURES = (
    (b"%PDF", gettext_noop("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", gettext_noop("a PNG image")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF87a", gettext_noop("a GIF image")),
    (b"GIF89a", gettext_noop("a GIF image")),
    (b"II*\x00", gettext_noop("a TIFF image")),
    (b"MM\x00*", gettext_noop("a TIFF image")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        gettext_noop("a legacy Excel (.xls) workbook or another old Office file"),
    ),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
    (b"Rar!\x1a\x07", gettext_noop("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_noop("a 7-Zip archive")),
    (b"BZh", gettext_noop("a bzip2 archive")),
    (b"\xfd7zXZ\x00", gettext_noop("an xz archive")),
    (b"{\\rtf", gettext_noop("an RTF document")),
)


class FileRefused(Exception):
    """The file cannot be read as a table; ``message`` says why, for the end user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _not_a_table(what) -> FileRefused:
    """``what`` names the kind of file (a message id, marked with gettext_noop)."""
    message = gettext_noop(
        "This is not a CSV or XLSX file: it looks like %(what)s. "
        "Open it in a spreadsheet and save it as CSV or XLSX."
    )
    return FileRefused(said(message, what=said(what)))


def check_upload(path: Path) -> None:
    """Refuse, without reading cells, a file no import could read: the checks of its first bytes
    and, for an XLSX file, of the sizes its parts declare. Cheap enough for the upload itself."""
    with Path(path).open("rb") as file:
        sample = file.read(4096)
    if not sample:
        raise FileRefused(said(gettext_noop("The file is empty.")))
    if sample.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_is_xlsx(Path(path))
    else:
        _refuse_known_binary(sample)


def _check_is_xlsx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _not_a_table(gettext_noop("a damaged ZIP archive")) from None
    if "xl/workbook.xml" in names:
        _check_declared_sizes(members)
        return
    if "xl/workbook.bin" in names:
        raise _not_a_table(gettext_noop("a binary Excel (.xlsb) workbook"))
    if b"opendocument.spreadsheet" in mimetype:
        raise _not_a_table(gettext_noop("an OpenDocument (.ods) spreadsheet"))
    if "word/document.xml" in names:
        raise _not_a_table(gettext_noop("a Word document"))
    if "ppt/presentation.xml" in names:
        raise _not_a_table(gettext_noop("a PowerPoint presentation"))
    raise _not_a_table(gettext_noop("a ZIP archive"))


def _refuse_known_binary(sample: bytes) -> None:
    """Refuse files whose first bytes say what they are (PDF, images, .xls, archives, HTML)."""
    for signature, what in _SIGNATURES:
        if sample.startswith(signature):
            raise _not_a_table(what)
    if sample[8:12] == b"WEBP" and sample.startswith(b"RIFF"):
        raise _not_a_table(gettext_noop("a WebP image"))
    # Some POS systems "export to Excel" by saving an HTML or XML page with an .xls name.
    head = sample[:1024].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        raise _not_a_table(gettext_noop("a web page (HTML), as some systems save with an .xls name"))
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in sample[:4096]:
        raise _not_a_table(gettext_noop("an Excel 2003 XML spreadsheet"))


def _refuse_binary_text(sample: bytes) -> None:
    """Text files in a single-byte or UTF-8 encoding have few NULs and control characters.

    A stray one is not a binary file: the reading rejects the row that holds it, wherever it is
    (:mod:`patron.imports.limits`). Binary data has one in ten bytes or so.
    """
    controls = len(re.findall(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]", sample))
    if controls > len(sample) // 100:
        raise _not_a_table(gettext_noop("a binary file"))


def part_limit(name: str) -> int:
    """The most bytes the XLSX part ``name`` may unpack to: sheets are read row by row, the
    shared strings are held in memory, and openpyxl reads any other XML part whole."""
    lower = name.lower()
    if lower.startswith("xl/worksheets/") and "/_rels/" not in lower:
        return XLSX_MAX_SHEET_BYTES
    if lower.endswith("sharedstrings.xml"):
        return XLSX_MAX_SHARED_STRINGS_BYTES
    return XLSX_MAX_OTHER_PART_BYTES


def _check_declared_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose parts declare absurd sizes, before unpacking any.

    Parts openpyxl does not read (images, macros) are held to the ratio only. A part that is
    not a sheet or the shared strings under an unusual name is held here to the largest limit;
    reading then holds it to its own (:mod:`patron.imports.xlsx_parts`).
    """
    for member in members:
        name = member.filename
        if member.file_size > XLSX_RATIO_FROM and member.file_size > XLSX_MAX_RATIO * member.compress_size:
            message = gettext_noop(
                "This XLSX file cannot be imported: its part %(part)s unpacks to %(ratio)s times "
                "its packed size; real workbooks stay under %(limit)s times."
            )
            ratio = member.file_size // max(member.compress_size, 1)
            raise FileRefused(said(message, part=name, ratio=ratio, limit=XLSX_MAX_RATIO))
        if not name.lower().endswith((".xml", ".rels")):
            continue
        limit = part_limit(name)
        if limit == XLSX_MAX_OTHER_PART_BYTES:
            limit = XLSX_MAX_SHEET_BYTES
        if member.file_size > limit:
            raise part_too_large(name, limit)


def part_too_large(name: str, limit: int) -> FileRefused:
    message = gettext_noop(
        "This XLSX file cannot be imported: its part %(part)s unpacks to more than %(limit)s MB."
    )
    return FileRefused(said(message, part=name, limit=number_text(limit // 2**20)))
