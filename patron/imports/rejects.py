"""The reject file: rows an import could not take, as they were read, with the reason.

CSV, UTF-8 with a BOM (so Excel opens it), the file's own header plus two columns, ``row``
and ``reason``. Fixed, it imports again as it is: importers drop those two trailing columns
(see :func:`patron.imports.mapping.data_columns`). The file is only created at the first
reject, so a clean import leaves nothing behind.

Safe to open: a cell that a spreadsheet would run as a formula (one that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written after a single quote, as OWASP's
"CSV Injection" page advises; so is a cell that begins with a single quote itself, so that
reading a reject file back takes exactly one leading quote off every value cell that has one
(:func:`restored_rows`, applied only to a file whose header ends with ``row`` and
``reason``). Numbers are no exception: ``-5`` is written ``'-5`` and read back as ``-5``
(a check for "only a number" would be one more parser to get wrong, and the quote costs
nothing on the way back).

Safe to place: the file is created with O_CREAT|O_EXCL|O_NOFOLLOW, readable by its owner
only, so nothing is written through a symlink and no file is overwritten. A file already at
the path is replaced only when it is a reject file Patron wrote (a regular file of its owner
whose first line is a reject file's header); anything else refuses the import before it
writes a row.
"""

import csv
import dataclasses
import io
import os
import stat
from pathlib import Path

from django.utils.translation import gettext_noop

from patron.imports.messages import said
from patron.imports.summary import KEPT_REJECTS, ImportRefused, ImportSummary, Reject

REJECT_COLUMNS = ["row", "reason"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
BOM = "\ufeff"


def neutralised(value: str) -> str:
    """``value`` as a spreadsheet shows it and never runs it (see the module docstring)."""
    if value.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + value
    return value


def restored(value: str) -> str:
    """The value :func:`neutralised` was given."""
    return value[1:] if value.startswith(QUOTE) else value


def is_reject_header(header) -> bool:
    return len(header) > len(REJECT_COLUMNS) and list(header[-len(REJECT_COLUMNS) :]) == REJECT_COLUMNS


def restored_rows(header, rows):
    """``rows`` of a table, their values restored when the table is a reject file."""
    if not is_reject_header(header):
        yield from rows
        return
    for row in rows:
        yield dataclasses.replace(row, values=[restored(value) for value in row.values])


def told(problems, column_for, columns):
    """(first column, reason) for a row's [(field, reason)] problems, told in the file's column order.

    The reason is a :class:`~patron.imports.messages.Said` that keeps the message ids of the
    problems, so that the import page words it in each reader's language.

    ``column_for(field)`` names the file's column a field was read from ("" for none).
    """
    order = {column: index for index, column in enumerate(columns)}
    problems = sorted(problems, key=lambda p: order.get(column_for(p[0]), len(order)))
    named = [column_for(field_name) for field_name, _reason in problems]
    parts = [
        said(gettext_noop("%(column)s: %(reason)s"), column=column, reason=text) if column else text
        for column, (_field, text) in zip(named, problems, strict=True)
    ]
    reason = parts[0]
    for part in parts[1:]:
        reason = said(gettext_noop("%(reason)s; %(more)s"), reason=reason, more=part)
    return named[0], reason


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def _ours(path: Path) -> bool:
    """Whether ``path`` is nothing, or a reject file Patron wrote (which may be replaced)."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return True
    if not stat.S_ISREG(status.st_mode) or status.st_uid != os.getuid():
        return False
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with open(fd, "rb") as file:
        first = file.readline(64 * 1024)
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text.startswith(BOM):
        return False
    header = next(csv.reader(io.StringIO(text[1:])), [])
    return is_reject_header(header)


def _refusal(path: Path) -> ImportRefused:
    message = gettext_noop(
        "%(path)s is already there and is not a reject file Patron wrote: move it away, or "
        "name another file for the rejected rows with --rejects."
    )
    return ImportRefused(said(message, path=str(path)))


class RejectFile:
    def __init__(self, path: Path, columns: list[str], summary: ImportSummary):
        """Refuses (ImportRefused) when something Patron did not write is at ``path``."""
        self.path = path
        self.columns = columns
        self.summary = summary
        self._file = None
        self._writer = None
        if not _ours(path):
            raise _refusal(path)

    def add(self, number: int, values: list[str], column: str, reason: str):
        """Count and write one rejected row (its values as read, in file order)."""
        summary = self.summary
        summary.rejected += 1
        if len(summary.rejects) < KEPT_REJECTS:
            summary.rejects.append(Reject(row=number, column=column, reason=reason))
        if self._writer is None:
            self._open()
            self._writer.writerow([neutralised(name) for name in [*self.columns, *REJECT_COLUMNS]])
            summary.reject_file = str(self.path)
        cells = [*values[: len(self.columns)], str(number), reason]
        self._writer.writerow([neutralised(cell) for cell in cells])

    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not _ours(self.path):
            raise _refusal(self.path)
        # Unlinking a name never touches what it points to; O_EXCL then refuses anything put
        # there since, a symlink included.
        self.path.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(self.path, flags, 0o600)
        except FileExistsError:
            raise _refusal(self.path) from None
        self._file = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)

    def flush(self):
        """Make the rejects of committed batches durable before the next batch starts."""
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
