"""The reject file: rows an import could not take, as they were read, with the reason.

CSV, UTF-8 with a BOM (so Excel opens it), the file's own header plus two columns, ``row``
and ``reason``. Fixed, it imports again as it is: importers drop those two trailing columns
(see :func:`patron.imports.mapping.data_columns`). The file is only created at the first
reject, so a clean import leaves nothing behind.
"""

import csv
from pathlib import Path

from patron.imports.summary import KEPT_REJECTS, ImportSummary, Reject

REJECT_COLUMNS = ["row", "reason"]


def told(problems, column_for, columns):
    """(first column, reason) for a row's [(field, reason)] problems, told in the file's column order.

    ``column_for(field)`` names the file's column a field was read from ("" for none).
    """
    order = {column: index for index, column in enumerate(columns)}
    problems = sorted(problems, key=lambda p: order.get(column_for(p[0]), len(order)))
    named = [column_for(field_name) for field_name, _reason in problems]
    parts = zip(named, problems, strict=True)
    reason = "; ".join(f"{column}: {text}" if column else text for column, (_field, text) in parts)
    return named[0], reason


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


class RejectFile:
    def __init__(self, path: Path, columns: list[str], summary: ImportSummary):
        self.path = path
        self.columns = columns
        self.summary = summary
        self._file = None
        self._writer = None

    def add(self, number: int, values: list[str], column: str, reason: str):
        """Count and write one rejected row (its values as read, in file order)."""
        summary = self.summary
        summary.rejected += 1
        if len(summary.rejects) < KEPT_REJECTS:
            summary.rejects.append(Reject(row=number, column=column, reason=reason))
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow([*self.columns, *REJECT_COLUMNS])
            summary.reject_file = str(self.path)
        self._writer.writerow([*values[: len(self.columns)], number, reason])

    def flush(self):
        """Make the rejects of committed batches durable before the next batch starts."""
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
