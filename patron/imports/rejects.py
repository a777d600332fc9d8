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
