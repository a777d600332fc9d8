"""A subscriber to both order signals, for the tests of order events."""

import contextlib

from django.db import connection

from patron.sales.events import orders_imported, orders_recorded


def listen(signal, told, name):
    """Connect a receiver to ``signal`` that notes (name, event, whether a transaction is open)."""

    def receiver(sender, *, event, **kwargs):
        told.append((name, event, connection.in_atomic_block))

    signal.connect(receiver, weak=False)
    return receiver


@contextlib.contextmanager
def hearing():
    """[(signal name, event, whether a transaction was open)] as told to a subscriber of both
    ``orders_recorded`` ("recorded") and ``orders_imported`` ("imported"), while in the block."""
    told = []
    receivers = [
        (orders_recorded, listen(orders_recorded, told, "recorded")),
        (orders_imported, listen(orders_imported, told, "imported")),
    ]
    try:
        yield told
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver)
