"""Order events: once the transaction that recorded them has committed, ``sales`` tells the
other apps which orders were recorded or changed.

Two Django signals, each sent after the commit (``transaction.on_commit``: nothing is told of
a transaction rolled back), with one keyword argument, ``event``:

- ``orders_recorded``: orders recorded or changed one at a time, by id
  (:class:`OrdersRecorded`): an order of the API or the order form, the orders an import
  changed (their status, total, customer or lines), and any later change of an order's status
  (:mod:`patron.sales.status`): a cancel or refund is told with the order in ``changed``; a
  return with the order in ``changed`` and, in ``created`` of the same event, the return
  document it made (its ``return_of`` names the order, its total what was given back).
- ``orders_imported``: a bulk import's orders, told once, when the import ends, by what they
  have in common rather than by a million ids (:class:`OrdersImported`, from
  :class:`ImportAnnouncer`). The orders it changed are also told by id in ``orders_recorded``.

Other apps connect in their AppConfig.ready()::

    orders_imported.connect(score_imported_orders, dispatch_uid="scoring.score_imported_orders")

A receiver runs in the process and thread that recorded the orders, after the commit: it should
be quick, and queue a job for long work. A receiver that fails is logged (Django's
``send_robust``, logger ``django.dispatch``, with the traceback); the orders stay recorded, the
other receivers are called all the same, and whatever recorded the orders goes on.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from uuid import uuid4

from django.db import transaction
from django.dispatch import Signal

from patron.commits import after_commit

orders_recorded = Signal()
orders_imported = Signal()


@dataclass(frozen=True)
class OrdersRecorded:
    """Orders recorded (``created``) or changed after they were recorded (``changed``), by id."""

    created: tuple[int, ...] = ()
    changed: tuple[int, ...] = ()


@dataclass(frozen=True)
class OrdersImported:
    """What a bulk import of orders from ``source`` recorded, in its committed batches.

    ``import_id`` tells this import from others. ``created``: the orders it recorded, found as
    the orders of ``source`` created (``created_at``) since ``started_at``, with any other order
    of that source recorded meanwhile. ``changed``: the orders already recorded whose values it changed
    (also told by id in ``orders_recorded``). ``placed_from`` and ``placed_to``: the first and
    last ``placed_at`` of those orders (None when there are none). ``finished``: the import
    read its file to the end; False when it was stopped or failed after some batches were
    committed, which are told all the same.
    """

    import_id: str
    source: str
    started_at: datetime
    created: int
    changed: int
    placed_from: datetime | None
    placed_to: datetime | None
    finished: bool


def announce_recorded(created=(), changed=()):
    """Tell ``orders_recorded`` of these order ids once the transaction commits; nothing when
    it rolls back. Call it in the transaction that recorded them."""
    if created or changed:
        event = OrdersRecorded(tuple(created), tuple(changed))
        after_commit(orders_recorded.send_robust, sender=__name__, event=event)


def announce_changed(order_ids):
    """Tell ``orders_recorded`` that these orders changed (their status, total, customer or
    lines) once the transaction commits: the one call for every change of a recorded order."""
    announce_recorded(changed=order_ids)


class ImportAnnouncer:
    """Tells what a bulk import's batches recorded: each batch, inside its transaction, says
    what it wrote (:meth:`batch`), which counts once that transaction commits; :meth:`end`
    tells ``orders_imported`` the sum of the committed batches."""

    def __init__(self, source, started_at):
        self.import_id = uuid4().hex
        self.source = source
        self.started_at = started_at
        self.created = self.changed = 0
        self.placed_from = self.placed_to = None

    def batch(self, *, created, changed, placed_from, placed_to):
        """A batch recorded ``created`` orders and changed the orders ``changed`` (ids), placed
        from ``placed_from`` to ``placed_to``; call inside the batch's transaction."""
        if not (created or changed):
            return
        announce_changed(changed)
        transaction.on_commit(partial(self._committed, created, len(changed), placed_from, placed_to))

    def _committed(self, created, changed, placed_from, placed_to):
        self.created += created
        self.changed += changed
        if self.placed_from is None or placed_from < self.placed_from:
            self.placed_from = placed_from
        if self.placed_to is None or placed_to > self.placed_to:
            self.placed_to = placed_to

    def end(self, *, finished):
        """Tell ``orders_imported`` what the committed batches recorded, if anything, once the
        work around the import (if any) commits."""
        after_commit(self._tell, finished)

    def _tell(self, finished):
        # Summed when told: the batches' own commits come first.
        if not (self.created or self.changed):
            return
        event = OrdersImported(
            import_id=self.import_id,
            source=self.source,
            started_at=self.started_at,
            created=self.created,
            changed=self.changed,
            placed_from=self.placed_from,
            placed_to=self.placed_to,
            finished=finished,
        )
        orders_imported.send_robust(sender=__name__, event=event)
