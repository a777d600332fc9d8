"""Merging one customer into another, and undoing it exactly.

The merged customer stays as a tombstone pointing to the survivor (`merged_into`), so
links, audit trails and identity matching keep working. Everything that was theirs moves
to the survivor, and the Merge row records what moved, so that undo puts back exactly
those rows and the survivor's profile fields as they were. What happened to the survivor
after the merge (a new order, a later edit of a field) is kept.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.customers.audit import Action, audit_record
from patron.customers.models import Customer
from patron.customers.services import PROFILE_FIELDS, refresh_search_text
from patron.duplicates import moving
from patron.duplicates.models import MERGE_CUSTOMERS, DuplicatePair, Merge, PairStatus

# Profile fields a person picks between; attributes are picked one key at a time.
CHOOSABLE_FIELDS = [name for name in PROFILE_FIELDS if name != "attributes"]
ATTRIBUTE_PREFIX = "attributes."
SIDES = ("survivor", "merged")
MISSING = object()


def label(customer):
    return f"{customer.display_name} (#{customer.pk})"


def _stored(value):
    return value.isoformat() if isinstance(value, date) else value


def _loaded(name, value):
    return date.fromisoformat(value) if name == "birthday" and value else value


def _clean_choices(choices, survivor, merged):
    if not isinstance(choices, dict):
        raise ValidationError({"choices": [_("Give the choices as an object: {field: survivor or merged}.")]})
    errors = {}
    for key, side in choices.items():
        if key.startswith(ATTRIBUTE_PREFIX):
            if key.removeprefix(ATTRIBUTE_PREFIX) not in survivor.attributes | merged.attributes:
                errors[f"choices.{key}"] = [_("Neither customer has this attribute.")]
        elif key not in CHOOSABLE_FIELDS:
            errors[f"choices.{key}"] = [
                _("Choose among: %(fields)s, or attributes.<name>.") % {"fields": ", ".join(CHOOSABLE_FIELDS)}
            ]
        if side not in SIDES:
            errors[f"choices.{key}"] = [_("Choose survivor or merged.")]
    if errors:
        raise ValidationError(errors)
    return dict(choices)


def merged_profile(*, survivor, merged, choices):
    """The survivor's profile fields and attributes after the merge.

    A field takes the merged customer's value where the person chose it, or where the
    survivor's is empty and nobody chose; attributes likewise, key by key (choosing the
    merged customer's side of a key they lack drops it).
    """
    fields = {}
    for name in CHOOSABLE_FIELDS:
        mine = getattr(survivor, name)
        choice = choices.get(name)
        fields[name] = getattr(merged, name) if choice == "merged" or (choice is None and not mine) else mine
    attributes = dict(survivor.attributes)
    for key in survivor.attributes.keys() | merged.attributes.keys():
        choice = choices.get(ATTRIBUTE_PREFIX + key)
        if choice == "merged" and key not in merged.attributes:
            del attributes[key]
        elif choice == "merged" or (choice is None and key not in attributes):
            attributes[key] = merged.attributes[key]
    return fields, attributes


def _lock(*pks):
    customers = Customer.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    found = {customer.pk: customer for customer in customers}
    return [found[pk] for pk in pks]


def _pair_of(first, second):
    left, right = sorted((first.pk, second.pk))
    return DuplicatePair.objects.select_for_update().filter(left_id=left, right_id=right).first()


def customer_merge(*, survivor, merged, choices=None, by, pair=None):
    """Merge `merged` into `survivor`; returns the Merge. `pair`: the proposed pair this was
    decided on, which must still be open (another person may have decided it meanwhile).
    ``by``: staff, or the system in a job (patron.actors); a customer may not merge."""
    require(by, MERGE_CUSTOMERS)
    actor = as_actor(by)
    if survivor.pk == merged.pk:
        raise ValidationError(_("A customer cannot be merged into itself."))
    if survivor.erased_at or merged.erased_at:
        raise ValidationError(_("This person's data was erased."))
    with transaction.atomic():
        survivor, merged = _lock(survivor.pk, merged.pk)
        if merged.merged_into_id:
            raise ValidationError(
                _("%(name)s was already merged into another customer.") % {"name": label(merged)}
            )
        if survivor.merged_into_id:
            raise ValidationError(
                _("%(name)s was merged into another customer and cannot take in others.")
                % {"name": label(survivor)}
            )
        stored_pair = _pair_of(survivor, merged)
        if pair is not None and (stored_pair is None or stored_pair.status != PairStatus.OPEN):
            raise ValidationError(_("This pair was decided already; reload the page to see how."))
        choices = _clean_choices(choices or {}, survivor, merged)
        fields, attributes = merged_profile(survivor=survivor, merged=merged, choices=choices)
        profile = {
            name: [_stored(getattr(survivor, name)), _stored(value)]
            for name, value in fields.items()
            if getattr(survivor, name) != value
        }
        snapshot = {
            "profile": profile,
            "attributes": [survivor.attributes, attributes],
            **moving.move_all(source=merged, target=survivor),
        }
        if survivor.owner_id is None and merged.owner_id is not None:
            # The survivor's owner, else the merged one's; undone like a profile field.
            profile["owner_id"] = [None, merged.owner_id]
            fields["owner_id"] = merged.owner_id
        for name, value in fields.items():
            setattr(survivor, name, value)
        survivor.attributes = attributes
        survivor.save()
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into", "updated_at"])
        now = timezone.now()
        merge = Merge.objects.create(
            survivor=survivor,
            merged=merged,
            pair=stored_pair,
            at=now,
            choices=choices,
            snapshot=snapshot,
            **actor.columns("by"),
        )
        if stored_pair is not None:
            stored_pair.status, stored_pair.decided_by, stored_pair.decided_at = (
                PairStatus.MERGED,
                actor.user,
                now,
            )
            stored_pair.save(update_fields=["status", "decided_by", "decided_at"])
        attribute_changes = (
            {} if attributes == snapshot["attributes"][0] else {"attributes": snapshot["attributes"]}
        )
        audit_record(
            customer=survivor,
            actor=by,
            action=Action.MERGE,
            changes={"merged_from": [None, label(merged)], **profile, **attribute_changes},
        )
        audit_record(
            customer=merged,
            actor=by,
            action=Action.MERGE,
            changes={"merged_into": [None, label(survivor)]},
        )
        refresh_search_text(survivor)
        refresh_search_text(merged)
    return merge


def _restore_profile(survivor, snapshot):
    """Put back each field the merge changed, unless it was changed again since. Returns the
    audit changes."""
    changes = {}
    for name, (before, after) in snapshot["profile"].items():
        if _stored(getattr(survivor, name)) == after:
            changes[name] = [after, before]
            setattr(survivor, name, _loaded(name, before))
    before, after = snapshot["attributes"]
    attributes = dict(survivor.attributes)
    for key in before.keys() | after.keys():
        old, new = before.get(key, MISSING), after.get(key, MISSING)
        if old != new and attributes.get(key, MISSING) == new:
            if old is MISSING:
                del attributes[key]
            else:
                attributes[key] = old
    if attributes != survivor.attributes:
        changes["attributes"] = [survivor.attributes, attributes]
        survivor.attributes = attributes
    return changes


def merge_undo(*, merge, by):
    """Undo a merge: the merged customer gets back exactly what was theirs and is live again."""
    require(by, MERGE_CUSTOMERS)
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise ValidationError(_("This merge was undone already."))
        if merge.snapshot.get("erased"):
            raise ValidationError(_("This person's data was erased: the merge cannot be undone."))
        survivor, merged = _lock(merge.survivor_id, merge.merged_id)
        if survivor.merged_into_id:
            raise ValidationError(
                _("%(survivor)s has since been merged into %(other)s: undo that merge first, then this one.")
                % {"survivor": label(survivor), "other": label(survivor.merged_into)}
            )
        snapshot = merge.snapshot
        moving.return_all(snapshot, source=merged, target=survivor)
        changes = _restore_profile(survivor, snapshot)
        survivor.save()
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        now = timezone.now()
        merge.undone_at, merge.undone_by = now, as_actor(by).user
        merge.save(update_fields=["undone_at", "undone_by"])
        if merge.pair_id:
            DuplicatePair.objects.filter(pk=merge.pair_id).update(
                status=PairStatus.OPEN, decided_by=None, decided_at=None
            )
        audit_record(
            customer=survivor,
            actor=by,
            action=Action.UPDATE,
            changes={"merged_from": [label(merged), None], **changes},
        )
        audit_record(
            customer=merged,
            actor=by,
            action=Action.UPDATE,
            changes={"merged_into": [label(survivor), None]},
        )
        refresh_search_text(survivor)
        refresh_search_text(merged)
    return merge
