"""What the outbox holds about a customer (see patron/customers/registry.py): the e-mails sent to
them. A merge gives them to the survivor; an erasure keeps the record that a message went (when,
why, whether the server took it) but not to whom nor what it said."""

from patron.customers.erasure import MARK, scrubbed
from patron.customers.registry import Holding, OnErase, OnMerge, register
from patron.outbox.models import Message


def _scrub(rows, pattern):
    """The address and the text go; the subject and the server's answer (which may quote the
    address) keep their other words."""
    for pk, subject, reply in rows.values_list("pk", "subject", "reply"):
        Message.objects.filter(pk=pk).update(
            to=MARK, body="", subject=scrubbed(subject, pattern), reply=scrubbed(reply, pattern)
        )


register(
    Holding(
        "outbox_messages",
        Message,
        OnMerge.MOVE,
        OnErase.SCRUB,
        customer_fields=("customer", "actor_customer"),
        scrub=_scrub,
    )
)
