"""A person's copy of everything Patron holds about them (PDPA, Decree 13/2023, KVKK, DPA 2012
and the GDPR give them the right to it), gathered from what every app declared in the registry."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.customers.audit import Action, audit_record
from patron.customers.models import Customer
from patron.customers.registry import holdings

EXPORT_CUSTOMER = "customers.export_customer"


def records_of(customer):
    """The customer's id and the ids of every record merged into them, at any depth."""
    ids, todo = [customer.pk], [customer.pk]
    while todo:
        todo = list(Customer.objects.filter(merged_into__in=todo).order_by("pk").values_list("pk", flat=True))
        ids += todo
    return ids


def customer_export(*, customer, by):
    """One JSON-ready document: per holding, the rows of the customer and of the records merged
    into them. Audited, with what was exported but none of the data. ``by``: staff, or the
    customer themselves (patron.actors)."""
    require(by, EXPORT_CUSTOMER, customer=customer)
    actor = as_actor(by)
    ids = records_of(customer)
    data = {}
    for holding in holdings():
        if holding.export is True:
            data[holding.name] = list(holding.rows_of(ids).order_by("pk").values())
        elif holding.export:
            data[holding.name] = holding.export(ids)
    now = timezone.now()
    with transaction.atomic():
        audit_record(
            customer=customer,
            actor=by,
            action=Action.EXPORT,
            changes={"exported": [None, sorted(data)], "records": [None, ids]},
        )
    document = {
        "customer": customer.pk,
        "records": ids,
        "exported_at": now,
        "exported_by": actor.user.get_username() if actor.user else None,
        "exported_by_kind": actor.kind,
        "data": data,
    }
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))
