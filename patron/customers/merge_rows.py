"""How a merge moves a customer's identities and tags to the survivor, and undo gives them back.

Each ``move_*`` returns what its ``return_*`` needs to put exactly those rows back (see
registry.Holding): for contact points the whole row, since a repeat of one the survivor
already holds is dropped (the unique constraint allows it once per customer and kind) and made
again on undo. Rows added to the survivor after the merge are not in the record, so they stay.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.customers.models import ContactKind, ContactPoint, ExternalId, Tag

# The fields that make a contact point, as a merge's record keeps them.
POINT_FIELDS = ["kind", "value", "normalised", "match_key", "is_primary"]


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


def move_contact_points(*, source, target, moved):
    """One the target already has (same kind and normalised form) is dropped; the target keeps
    its primary one of a kind if it has one, so it never holds two."""
    held = set(ContactPoint.objects.filter(customer=target).values_list("kind", "normalised"))
    primary_kinds = set(
        ContactPoint.objects.filter(customer=target, is_primary=True).values_list("kind", flat=True)
    )
    rows = []
    for row in ContactPoint.objects.filter(customer=source).order_by("pk"):
        repeat = (row.kind, row.normalised) in held
        verified = row.verified_at.isoformat() if row.verified_at else None
        rows.append(
            {
                "id": row.pk,
                "repeat": repeat,
                **{f: getattr(row, f) for f in POINT_FIELDS},
                "verified_at": verified,
            }
        )
        if repeat:
            row.delete()
        else:
            row.customer = target
            row.is_primary = row.is_primary and row.kind not in primary_kinds
            row.save(update_fields=["customer", "is_primary"])
    return rows


def return_contact_points(rows, *, source, target):
    """Each row back to `source` as it was; one dropped as a repeat, or deleted from the target
    since, is made again, under its old id when that is free. Merges recorded before contact
    points (their e-mails and phones rows, whose ids were of other tables) are found by kind
    and normalised form."""
    for row in rows:
        values = _point_values(row)
        if "kind" in row:
            if ContactPoint.objects.filter(pk=row["id"], customer=target).update(customer=source, **values):
                continue
            pk = free_id(ContactPoint, row["id"])
        else:
            found = ContactPoint.objects.filter(
                customer=target, kind=values["kind"], normalised=values["normalised"]
            )
            if not row["repeat"] and found.update(customer=source, **values):
                continue
            pk = None
        ContactPoint.objects.create(pk=pk, customer=source, **values)


def _point_values(row):
    """A recorded row's fields; an e-mail or phone row of a merge recorded before contact points
    in today's terms."""
    if "address" in row:
        return {
            "kind": ContactKind.EMAIL,
            "value": row["address"],
            "normalised": row["normalised"],
            "match_key": row["match_key"],
            "is_primary": row["is_primary"],
        }
    if "e164" in row:
        return {
            "kind": ContactKind.PHONE,
            "value": row["raw"] or row["e164"],
            "normalised": row["e164"],
            "match_key": row["e164"],
            "is_primary": row["is_primary"],
        }
    values = {name: row[name] for name in POINT_FIELDS}
    values["verified_at"] = datetime.fromisoformat(row["verified_at"]) if row.get("verified_at") else None
    return values


def move_tags(*, source, target, moved):
    tags = set(source.tags.values_list("pk", flat=True))
    added = sorted(tags - set(target.tags.values_list("pk", flat=True)))
    target.tags.add(*added)
    source.tags.clear()
    return {"source": sorted(tags), "added": added}


def return_tags(tags, *, source, target):
    target.tags.remove(*tags["added"])
    source.tags.set(Tag.objects.filter(pk__in=tags["source"]))
