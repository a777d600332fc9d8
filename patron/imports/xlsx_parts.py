"""Opening an XLSX workbook with openpyxl, holding every part it unpacks to a limit.

An XLSX file is a ZIP archive of XML parts, and a small archive can unpack to gigabytes: a
1 MB file whose one shared string is 1 GiB of the same letter. openpyxl's read-only mode
streams the sheets row by row but reads the shared strings, the styles and the workbook
whole, so such a file would be unpacked into memory before its first row is read.

The sizes the archive declares are checked before anything is unpacked
(:func:`patron.imports.formats._check_declared_sizes`). What an archive declares can lie, so
:func:`load_workbook` also reads every part openpyxl opens through :class:`_BoundedPart`,
which counts the bytes as they are unpacked and stops at the part's limit
(:func:`patron.imports.formats.part_limit`); it also stops at a text or tag longer than any
cell (a run of bytes without "<"), at a sheet row larger than ``XLSX_MAX_ROW_BYTES`` (openpyxl
builds each row's tree in memory) and at an XML entity declaration, which no spreadsheet
writes and which could multiply text while it is parsed. The shared strings are parsed by
:func:`read_shared_strings`, which keeps no more than ``MAX_CELL_LENGTH + 1`` characters of
any one string, so that its row is rejected as too long without the whole text in memory.

Past a limit, :class:`~patron.imports.formats.FileRefused` is raised: while the workbook is
opened, that refuses the file before anything is written; while its rows are read (a sheet
that lied about its size), it stops the import there, after the batches already written.
"""

import re
import warnings
import zipfile

from django.utils.translation import gettext_noop

from patron.imports.formats import FileRefused, part_limit, part_too_large
from patron.imports.limits import (
    MAX_CELL_LENGTH,
    XLSX_MAX_ROW_BYTES,
    XLSX_MAX_SHARED_STRINGS_BYTES,
    XLSX_MAX_SHEET_BYTES,
    XLSX_MAX_TEXT_BYTES,
    number_text,
)
from patron.imports.messages import said

_CHUNK = 64 * 1024
_ENTITIES = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_TAIL = 16  # bytes kept from one read to the next, so a marker cut in two is still seen

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SI, _T, _RPH = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}rPh"


def load_workbook(file):
    """openpyxl's read-only, values-only workbook of the XLSX ``file``, read within the limits.

    Raises FileRefused past a limit, and for a file openpyxl cannot read.
    """
    from openpyxl.reader.excel import ExcelReader

    class BoundedReader(ExcelReader):
        def __init__(self, file):
            # External links are other workbooks' cached cells; the sheet keeps its own values.
            super().__init__(file, read_only=True, data_only=True, keep_links=False)
            self.archive.close()  # openpyxl's own; closing it leaves the file open
            self.archive = _BoundedArchive(file)

        def read_strings(self):
            from openpyxl.xml.constants import SHARED_STRINGS

            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open_part(found.PartName[1:], XLSX_MAX_SHARED_STRINGS_BYTES) as part:
                    self.shared_strings = read_shared_strings(part)

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (styles, extensions); we only want values.
            warnings.simplefilter("ignore", UserWarning)
            reader = BoundedReader(file)
            reader.read()
            return reader.wb
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        message = gettext_noop("This XLSX file cannot be read; it may be damaged (%(error)s).")
        raise FileRefused(said(message, error=str(error))) from None


def read_shared_strings(part):
    """The shared strings of a workbook, as openpyxl reads them (the text of each, without its
    phonetic guide), but with at most ``MAX_CELL_LENGTH + 1`` characters of each kept: a longer
    string is cut there, so that the cells holding it are rejected as too long.

    Each string's runs are dropped once read, so a string of millions of empty runs does not
    pile up in memory either: past ``2 * MAX_CELL_LENGTH`` runs the file is refused.
    """
    from openpyxl.xml.functions import iterparse

    strings = []
    root = si = None
    pieces, length, parts, depth, phonetic = [], 0, 0, 0, 0
    for event, node in iterparse(part, events=("start", "end")):
        if event == "start":
            if root is None:
                root = node
            elif si is None:
                if node.tag == _SI:
                    si, pieces, length, parts, depth, phonetic = node, [], 0, 0, 0, 0
            else:
                depth += 1
                parts += 1
                phonetic += node.tag == _RPH
                if parts > 2 * MAX_CELL_LENGTH:
                    message = gettext_noop(
                        "This XLSX file cannot be imported: one of its texts is made of more than "
                        "%(limit)s pieces."
                    )
                    raise FileRefused(said(message, limit=number_text(2 * MAX_CELL_LENGTH)))
            continue
        if si is None:
            continue
        if node is si:
            strings.append("".join(pieces).replace("x005F_", ""))
            si = None
            root.clear()
            continue
        depth -= 1
        if node.tag == _RPH:
            phonetic -= 1
        elif node.tag == _T and not phonetic and node.text and length <= MAX_CELL_LENGTH:
            pieces.append(node.text[: MAX_CELL_LENGTH + 1 - length])
            length += len(pieces[-1])
        if depth == 0:
            si.remove(node)
    return strings


class _BoundedArchive(zipfile.ZipFile):
    """A ZIP archive whose parts are read through :class:`_BoundedPart`."""

    def open(self, name, mode="r", pwd=None, **options):
        if mode != "r":  # pragma: no cover - openpyxl only reads
            return super().open(name, mode, pwd, **options)
        filename = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return self.open_part(filename, part_limit(filename), pwd=pwd)

    def open_part(self, name, limit, pwd=None):
        sheet = limit == XLSX_MAX_SHEET_BYTES and name.lower().startswith("xl/worksheets/")
        return _BoundedPart(super().open(name, "r", pwd), name, limit, rows=sheet)


class _BoundedPart:
    """A part being unpacked, stopped with FileRefused at its limits (see the module docstring)."""

    def __init__(self, raw, name, limit, *, rows):
        self._raw = raw
        self.name = name
        self._limit = limit
        self._rows = rows
        self._read = 0
        self._text = 0  # bytes since the last "<"
        self._row = 0  # bytes since the last row began
        self._tail = b""

    def read(self, size=-1):
        if size is None or size < 0:
            size = None
        chunks = []
        wanted = size
        while wanted is None or wanted > 0:
            chunk = self._raw.read(_CHUNK if wanted is None else min(wanted, _CHUNK))
            if not chunk:
                break
            self._check(chunk)
            chunks.append(chunk)
            if wanted is not None:
                wanted -= len(chunk)
        return b"".join(chunks)

    def _check(self, chunk):
        self._read += len(chunk)
        if self._read > self._limit:
            raise part_too_large(self.name, self._limit)
        seen = self._tail + chunk
        if _ENTITIES.search(seen):
            message = gettext_noop(
                "This XLSX file cannot be imported: its part %(part)s declares XML entities, "
                "which spreadsheets do not write."
            )
            raise FileRefused(said(message, part=self.name))
        first = chunk.find(b"<")
        if first < 0:
            self._text += len(chunk)
        else:
            longest, self._text = self._text + first, len(chunk) - chunk.rfind(b"<") - 1
            self._refuse_text(longest)
        self._refuse_text(self._text)
        if self._rows:
            self._count_row(seen, len(chunk))
        self._tail = seen[-_TAIL:]

    def _refuse_text(self, size):
        if size > XLSX_MAX_TEXT_BYTES:
            message = gettext_noop(
                "This XLSX file cannot be imported: its part %(part)s holds a text or tag of more "
                "than %(limit)s MB, more than any cell holds."
            )
            raise FileRefused(said(message, part=self.name, limit=XLSX_MAX_TEXT_BYTES // 2**20))

    def _count_row(self, seen, size):
        """Bytes since the last row began (the rows within one chunk are smaller than a chunk)."""
        tail = len(seen) - size
        starts = [match.start() - tail for match in _ROW_START.finditer(seen) if match.end() > tail]
        if starts:
            self._refuse_row(self._row + max(starts[0], 0))
            self._row = size - max(starts[-1], 0)
        else:
            self._row += size
        self._refuse_row(self._row)

    def _refuse_row(self, size):
        if size > XLSX_MAX_ROW_BYTES:
            message = gettext_noop(
                "This XLSX file cannot be imported: a row of its part %(part)s takes more than %(limit)s MB."
            )
            raise FileRefused(said(message, part=self.name, limit=XLSX_MAX_ROW_BYTES // 2**20))

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
