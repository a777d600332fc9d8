"""What the feedback app tells the other apps, once the transaction that recorded it has
committed: ``feedback_recorded`` (receivers get ``customer_ids=``, a tuple of Customer ids) when
a survey answer, a comment on one, or a piece of feedback (a compliment, concern, complaint,
public review or co-created idea) is recorded, so that the ladder can place those customers
again and the relationship levels can suggest a move.

A receiver runs in the process that recorded it, after the commit: it should be quick and queue
a job for long work; one that raises is logged (``send_robust``) and what was recorded stays.
Nothing is told of a transaction rolled back.
"""

from django.dispatch import Signal

from patron.commits import after_commit

feedback_recorded = Signal()


def announce_recorded(customer_ids):
    """Tell ``feedback_recorded`` of these customers once the transaction commits."""
    customer_ids = tuple(sorted(set(customer_ids)))
    if customer_ids:
        after_commit(feedback_recorded.send_robust, sender=__name__, customer_ids=customer_ids)
