"""Driving an import in batches, each in one transaction.

An interruption (Ctrl-C, a killed process, a full disk) leaves whole batches only: the
batch being written is rolled back with its transaction, and the batches before it are
committed. Importers are idempotent on their keys, so running the same file again finishes
the job without duplicates.
"""

import itertools
from collections.abc import Callable

from django.db import transaction

from patron.imports.reading import Row, Table


def run_in_batches(
    table: Table,
    *,
    batch_size: int,
    write: Callable[[list[Row]], None],
    summary,
    rejects,
    progress: Callable[[int, int | None], None] | None = None,
    group: Callable[[Row], object] | None = None,
):
    """Feed ``table``'s rows to ``write`` in batches of ``batch_size``, one transaction each.

    With ``group``, a batch grows past ``batch_size`` until ``group(row)`` changes, so that
    consecutive rows of one group (the lines of one order) are written together.
    The reject file is flushed after each committed batch, so it matches what was written.
    ``progress(rows read, estimated rows)`` is called after each batch.
    """
    rows = table.rows()
    estimate = table.estimated_rows()
    try:
        for batch in _batches(rows, max(1, batch_size), group):
            with transaction.atomic():
                write(batch)
            rejects.flush()
            if progress is not None:
                progress(summary.read, max(estimate or 0, summary.read) or None)
    finally:
        rows.close()


def _batches(rows, size, group):
    if group is None:
        while batch := list(itertools.islice(rows, size)):
            yield batch
        return
    batch = []
    for row in rows:
        if len(batch) >= size and group(row) != group(batch[-1]):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch
