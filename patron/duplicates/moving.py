"""Moving a customer's rows to another customer and back, recording what moved.

Each `move_*` returns what its `return_*` needs to put exactly those rows back: ids, and
for e-mails and phones the whole row, since a repeat of one the survivor already holds is
dropped (the unique constraints allow it once per customer) and made again on undo.
Rows added to the survivor after the merge are not in the record, so they stay.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.customers.models import Consent, ConsentEvent, CustomerEmail, CustomerPhone, ExternalId, Tag
from patron.interactions.models import Interaction
from patron.sales.models import Order

# Rows that simply change hands: nothing on the survivor can clash with them.
MOVED_BY_ID = {"orders": Order, "interactions": Interaction, "consent_events": ConsentEvent}
# name: (model, what is unique per customer, the fields that make the row)
IDENTITIES = {
    "emails": (CustomerEmail, "normalised", ["address", "normalised", "match_key", "is_primary"]),
    "phones": (CustomerPhone, "e164", ["e164", "raw", "is_primary"]),
}
# Bounds the ids in one query's IN (...): SQLite takes at most 32,766 parameters.
ID_BATCH = 1000


def move_rows(*, source, target):
    """Orders, interactions and consent events of `source` to `target`: {name: [ids]}."""
    moved = {}
    for name, model in MOVED_BY_ID.items():
        moved[name] = list(model.objects.filter(customer=source).order_by("pk").values_list("pk", flat=True))
        model.objects.filter(customer=source).update(customer=target)
    return moved


def return_rows(*, moved, source, target):
    """Give `source` back the rows `move_rows` took, where `target` still holds them."""
    for name, model in MOVED_BY_ID.items():
        ids = moved[name]
        for start in range(0, len(ids), ID_BATCH):
            model.objects.filter(pk__in=ids[start : start + ID_BATCH], customer=target).update(
                customer=source
            )


def move_external_ids(*, source, target):
    rows = [
        {"id": row.pk, "source": row.source, "value": row.value}
        for row in ExternalId.objects.filter(customer=source).order_by("pk")
    ]
    ExternalId.objects.filter(customer=source).update(customer=target)
    return rows


def return_external_ids(*, rows, source, target):
    """Each id goes back to `source`, found by its value: an edit of the survivor's ids since
    the merge may have deleted and made the row again. An id that has gone on to a third
    customer cannot be taken from them."""
    for row in rows:
        holder = ExternalId.objects.filter(source=row["source"], value=row["value"]).first()
        if holder is None:
            ExternalId.objects.create(customer=source, source=row["source"], value=row["value"])
        elif holder.customer_id == target.pk:
            ExternalId.objects.filter(pk=holder.pk).update(customer=source)
        elif holder.customer_id != source.pk:
            raise ValidationError(
                _("%(source)s ID %(value)s now belongs to another customer: the merge cannot be undone.")
                % {"source": row["source"], "value": row["value"]}
            )


def move_identities(*, name, source, target):
    """E-mails or phones of `source` to `target`. One the target already has is dropped;
    the target keeps its primary one if it has one."""
    model, key, fields = IDENTITIES[name]
    held = set(model.objects.filter(customer=target).values_list(key, flat=True))
    target_has_primary = model.objects.filter(customer=target, is_primary=True).exists()
    rows = []
    for row in model.objects.filter(customer=source).order_by("pk"):
        repeat = getattr(row, key) in held
        rows.append({"id": row.pk, "repeat": repeat, **{field: getattr(row, field) for field in fields}})
        if repeat:
            row.delete()
        else:
            row.customer = target
            row.is_primary = row.is_primary and not target_has_primary
            row.save(update_fields=["customer", "is_primary"])
    return rows


def return_identities(*, name, rows, source, target):
    """Each row back to `source` as it was; one dropped as a repeat, or deleted from the
    target since, is made again, under its old id when that is free."""
    model, _key, fields = IDENTITIES[name]
    for row in rows:
        values = {field: row[field] for field in fields}
        if model.objects.filter(pk=row["id"], customer=target).update(customer=source, **values):
            continue
        model.objects.create(pk=_free(model, row["id"]), customer=source, **values)


def move_tags(*, source, target):
    tags = set(source.tags.values_list("pk", flat=True))
    added = sorted(tags - set(target.tags.values_list("pk", flat=True)))
    target.tags.add(*added)
    source.tags.clear()
    return {"source": sorted(tags), "added": added}


def return_tags(*, tags, source, target):
    target.tags.remove(*tags["added"])
    source.tags.set(Tag.objects.filter(pk__in=tags["source"]))


def consent_ids(customer):
    """{"channel/purpose": id} of the consents in force, to make them again under the same ids."""
    return {f"{c.channel}/{c.purpose}": c.pk for c in Consent.objects.filter(customer=customer)}


def recompute_consents(customer, *, ids=None):
    """Set the consents in force from the customer's events, as consent_record keeps them:
    per channel and purpose the latest by time, and of two at the same time the later
    recorded. Rows that stay in force are updated in place; new ones take `ids` when given."""
    latest = {}
    for event in ConsentEvent.objects.filter(customer=customer).order_by("occurred_at", "pk"):
        latest[(event.channel, event.purpose)] = event
    current = {
        (c.channel, c.purpose): c for c in Consent.objects.select_for_update().filter(customer=customer)
    }
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
                pk=_free(Consent, (ids or {}).get(f"{channel}/{purpose}")),
                customer=customer,
                channel=channel,
                purpose=purpose,
                **values,
            )
        elif consent.event_id != event.pk:
            for field, value in values.items():
                setattr(consent, field, value)
            consent.save()


def _free(model, pk):
    """`pk` if no row of `model` has it, else None (the database picks one)."""
    return pk if pk is not None and not model.objects.filter(pk=pk).exists() else None
