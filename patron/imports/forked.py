"""Part of an import's work in a child process, so that the import uses a second core.

An import reads and checks the next batch while it writes the one before
(:func:`patron.imports.batches.run_in_batches`). In a thread, the two take turns at the
interpreter; :class:`Forked` runs the pure-Python part of the reading side (the rules each
row is checked and worked out by) in a child process forked when the import starts, which
gets each batch and hands back its result through a pipe, pickled.

The child has a copy of the import as it stood at the fork and must only compute: it opens
no database connection (the parent's, copied with the process, are set aside, never used or
closed, and any use of the database there fails), calls no Polars (whose threads are not
copied), ignores Ctrl-C (its parent stops the import and then it), and ends without running
any clean-up of the parent's (``os._exit``). It ends when the parent closes the pipe, dies
included.
"""

import contextlib
import os
import pickle
import signal
from multiprocessing import Pipe

from django.db import connections

_SET_ASIDE = []  # the parent's connections, copied into the child: never to be closed there


class Forked:
    """``forked(item)`` is ``work(item)`` computed in a child process (in this one where the
    system cannot fork); ``close()`` ends the child. Exceptions are raised here."""

    def __init__(self, work):
        self.work = work
        self.pid = None
        if not hasattr(os, "fork"):
            return
        self.pipe, child_end = Pipe()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                self.pipe.close()
                _serve(work, child_end)
            finally:
                os._exit(0)
        child_end.close()
        self.pid = pid

    def __call__(self, item):
        if self.pid is None:
            return self.work(item)
        self.pipe.send(item)
        try:
            done, result = self.pipe.recv()
        except EOFError:
            raise RuntimeError("The import's forked worker ended without an answer.") from None
        if not done:
            raise result
        return result

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def close(self):
        if self.pid is None:
            return
        self.pipe.close()
        with contextlib.suppress(ChildProcessError):  # already reaped
            os.waitpid(self.pid, 0)
        self.pid = None


def _serve(work, pipe):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for alias in connections:
        connection = connections[alias]
        _SET_ASIDE.append(connection.connection)
        connection.connection = None
        connection.ensure_connection = _no_database
    while True:
        try:
            item = pipe.recv()
        except EOFError:
            return
        try:
            result = (True, work(item))
        except Exception as error:  # handed to the parent, which raises it
            result = (False, error)
        try:
            pipe.send_bytes(_pickled(result))
        except OSError:  # the parent is gone
            return


def _pickled(result):
    """``result`` pickled as ``Connection.recv`` reads it, or the error of pickling it."""
    try:
        return pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # a result or an error that cannot be pickled
        return pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))


def _no_database():
    raise RuntimeError("An import's forked worker may not use the database.")
