"""How a merge moves a customer's identities and tags to the survivor, and undo gives them back.

Each ``move_*`` returns what its ``return_*`` needs to put exactly those rows back (see
registry.Holding): for e-mails and phones the whole row, since a repeat of one the survivor
already holds is dropped (the unique constraints allow it once per customer) and made again on
undo. Rows added to the survivor after the merge are not in the record, so they stay.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.customers.models import CustomerEmail, CustomerPhone, ExternalId, Tag

# name: (model, what is unique per customer, the fields that make the row)
IDENTITIES = {
    "emails": (CustomerEmail, "normalised", ["address", "normalised", "match_key", "is_primary"]),
    "phones": (CustomerPhone, "e164", ["e164", "raw", "is_primary"]),
}


def free_id(model, pk):
    """`pk` if no row of `model` has it, else None (the database picks one)."""
    return pk if pk is not None and not model.objects.filter(pk=pk).exists() else None


def move_external_ids(*, source, target, moved):
    rows = [
        {"id": row.pk, "source": row.source, "value": row.value}
        for row in ExternalId.objects.filter(customer=source).order_by("pk")
    ]
    ExternalId.objects.filter(customer=source).update(customer=target)
    return rows


def return_external_ids(rows, *, source, target):
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


def identity_mover(name):
    """(move, put back) of the e-mails or phones: IDENTITIES[name]."""
    model, key, fields = IDENTITIES[name]

    def move(*, source, target, moved):
        """One the target already has is dropped; the target keeps its primary one if it has one."""
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

    def put_back(rows, *, source, target):
        """Each row back to `source` as it was; one dropped as a repeat, or deleted from the
        target since, is made again, under its old id when that is free."""
        for row in rows:
            values = {field: row[field] for field in fields}
            if model.objects.filter(pk=row["id"], customer=target).update(customer=source, **values):
                continue
            model.objects.create(pk=free_id(model, row["id"]), customer=source, **values)

    return move, put_back


def move_tags(*, source, target, moved):
    tags = set(source.tags.values_list("pk", flat=True))
    added = sorted(tags - set(target.tags.values_list("pk", flat=True)))
    target.tags.add(*added)
    source.tags.clear()
    return {"source": sorted(tags), "added": added}


def return_tags(tags, *, source, target):
    target.tags.remove(*tags["added"])
    source.tags.set(Tag.objects.filter(pk__in=tags["source"]))
