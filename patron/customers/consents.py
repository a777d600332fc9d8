"""The consent in force: the one rule that recording a consent and merging customers both follow."""

from functools import reduce
from operator import or_

from django.db.models import Q

from patron.customers.merge_rows import free_id
from patron.customers.models import Consent, ConsentEvent


def consent_ids(customer):
    """{"channel/purpose": id} of the consents in force, to make them again under the same ids."""
    return {f"{c.channel}/{c.purpose}": c.pk for c in Consent.objects.filter(customer=customer)}


def consents_refresh(customer, *, keys=None, ids=None):
    """Set the customer's consents in force from their events: per channel and purpose the
    latest by time, and of two at the same time the later recorded. ``keys``: only these
    (channel, purpose) pairs, else all. Rows that stay in force are updated in place; new ones
    take ``ids`` ({"channel/purpose": id}) when given and free."""
    events = ConsentEvent.objects.filter(customer=customer)
    current = Consent.objects.select_for_update().filter(customer=customer)
    if keys is not None:
        pairs = reduce(or_, (Q(channel=channel, purpose=purpose) for channel, purpose in keys))
        events, current = events.filter(pairs), current.filter(pairs)
    latest = {}
    for event in events.order_by("occurred_at", "pk"):
        latest[(event.channel, event.purpose)] = event
    current = {(c.channel, c.purpose): c for c in current}
    for key, consent in current.items():
        if key not in latest:
            consent.delete()
    for (channel, purpose), event in latest.items():
        values = {
            "granted": event.granted,
            "since": event.occurred_at,
            "source": event.source,
            "event": event,
        }
        consent = current.get((channel, purpose))
        if consent is None:
            Consent.objects.create(
                pk=free_id(Consent, (ids or {}).get(f"{channel}/{purpose}")),
                customer=customer,
                channel=channel,
                purpose=purpose,
                **values,
            )
        elif consent.event_id != event.pk:
            for name, value in values.items():
                setattr(consent, name, value)
            consent.save()
