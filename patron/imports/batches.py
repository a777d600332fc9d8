"""Driving an import in batches, each in one transaction.

An interruption (Ctrl-C, a killed process, a full disk) leaves whole batches only: the
batch being written is rolled back with its transaction, and the batches before it are
committed. Importers are idempotent on their keys, so running the same file again finishes
the job without duplicates.

An importer may split its work in two: ``prepare`` (reading and checking, no database) runs
in a thread one or two batches ahead, while ``write`` (the database work, in the caller's
thread and connection) takes the batch before. The database spends much of a batch waiting
on the disk or on the server, and the next batch is read in that time.
"""

import contextlib
import contextvars
import itertools
import queue
import threading
from collections.abc import Callable, Iterator

from django.db import transaction

from patron.imports.reading import Row, Table, reject_flawed, set_aside_flawed
from patron.imports.rejects import restored_rows


def run_in_batches(
    table: Table,
    *,
    batch_size: int,
    write: Callable[[list[Row]], None],
    summary,
    rejects,
    progress: Callable[[int, int | None], None] | None = None,
    group: Callable[[Row], object] | None = None,
    prepare: Callable[[list[Row]], object] | None = None,
):
    """Feed ``table``'s rows to ``write`` in batches of ``batch_size``, one transaction each.

    With ``prepare``, ``write`` gets ``prepare(batch)`` instead of the batch, prepared ahead
    in a thread; ``prepare`` must not use the database.

    With ``group``, a batch grows past ``batch_size`` until ``group(row)`` changes, so that
    consecutive rows of one group (the lines of one order) are written together.
    The reject file is flushed after each committed batch, so it matches what was written.
    ``progress(rows read, estimated rows)`` is called after each batch.
    A reject file's values are read back as they were before it neutralised them.
    """
    rows = table.rows()
    estimate = table.estimated_rows()
    batches = _batches(restored_rows(table.header, rows), max(1, batch_size), group)
    batches = (set_aside_flawed(batch) for batch in batches)
    if prepare is not None:
        batches = _ahead((flawed, prepare(batch)) for flawed, batch in batches)
    try:
        for flawed, batch in batches:
            with transaction.atomic():
                write(batch)
            reject_flawed(flawed, rejects)
            rejects.flush()
            if progress is not None:
                progress(summary.read, max(estimate or 0, summary.read) or None)
    finally:
        batches.close()
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


_DONE = object()


def _ahead(items: Iterator, depth: int = 2):
    """Yield ``items``, computed in a thread up to ``depth`` ahead; its errors are raised here."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put((_DONE, None))
        except BaseException as error:  # handed to the consumer, which raises it
            ready.put((_DONE, error))

    # In the caller's context, so that messages are worded for its front end (imports.messages).
    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(produce,), name="import-prepare", daemon=True)
    worker.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
