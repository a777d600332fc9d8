"""Changes made to many customers at once: add a tag, remove a tag, assign an owner, to the
customers chosen on a page or to every customer a filter matches.

A change is recorded as a ListAction (who, what, to which customers) and then run in batches
of BATCH customers by id, each batch its own transaction: a change to a million customers
never holds one giant transaction nor reads them all at once. Up to RUN_NOW customers it runs
in the request; more, it is queued as the job customers_bulk_run once the request commits.
Each batch changes only the customers not already as asked, and writes an audit event for each
of them: running a change again (or sending the form twice) changes nothing more.
Merged records and erased people are left alone, as their own pages leave them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import allowed, require
from patron.actors import as_actor
from patron.customers.audit import Action, audit_event, list_action_record
from patron.customers.filters import customer_filters
from patron.customers.models import AuditEvent, Customer, ListAction, Tag, tag_key
from patron.customers.selectors import customer_matches
from patron.customers.services import owner_id, tag_name, tags_named
from patron.jobs.queue import queue_after_commit

BATCH = 1000
RUN_NOW = 1000
MAX_CHOSEN = 1000  # ids chosen one by one (a page holds 50)
Kind = ListAction.Kind
TagLink = Customer.tags.through


def bulk_targets(*, selection=None, ids=None):
    """The customers a change reaches: those of ``ids``, or every match of ``selection``."""
    customers = Customer.objects.filter(pk__in=ids) if ids is not None else customer_matches(selection)
    return customers.filter(merged_into__isnull=True, erased_at__isnull=True)


def _clean_ids(ids):
    try:
        ids = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError) as exc:
        raise ValidationError({"ids": [_("Choose customers by their ids.")]}) from exc
    if not ids:
        raise ValidationError({"ids": [_("Choose at least one customer.")]})
    if len(ids) > MAX_CHOSEN:
        raise ValidationError(
            {
                "ids": [
                    _("Choose at most %(count)d customers, or act on the whole filter.")
                    % {"count": MAX_CHOSEN}
                ]
            }
        )
    return ids


def _clean_value(kind, value, by):
    """The tag's name as kept (an existing tag's own spelling) or the owner's user name."""
    if kind == Kind.OWNER:
        owner_id(value)  # refuses a name that is not an active member of staff
        return (value or "").strip()
    name = tag_name(value)
    existing = Tag.objects.named([name]).values_list("name", flat=True).first()
    if existing is not None:
        return existing
    if kind == Kind.TAG_REMOVE:
        raise ValidationError({"value": [_("There is no tag %(name)s.") % {"name": name}]})
    if not allowed(by, "customers.add_tag"):
        raise ValidationError(
            {
                "value": [
                    _("There is no tag %(name)s, and your role may not add tags: choose an existing tag.")
                    % {"name": name}
                ]
            }
        )
    return name


def bulk_change(*, kind, value, by, selection=None, ids=None):
    """Ask for ``kind`` (add or remove the tag named ``value``, or make the member of staff
    named ``value`` the owner; "" for none) on ``ids`` or on every match of ``selection``.
    Returns the ListAction: done already when it was small, else queued."""
    require(by, "customers.change_customer")
    if kind not in (Kind.TAG_ADD, Kind.TAG_REMOVE, Kind.OWNER):
        raise ValidationError(
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": "tag_add, tag_remove, owner"}]}
        )
    if (selection is None) == (ids is None):
        raise ValueError("Give either a selection or ids.")
    if ids is not None:
        ids = _clean_ids(ids)
    value = _clean_value(kind, value, by)
    matched = bulk_targets(selection=selection, ids=ids).count()
    with transaction.atomic():
        if kind == Kind.TAG_ADD:
            tags_named([value])  # made now, by whom may make it
        action = list_action_record(
            actor=by,
            kind=kind,
            filters=selection.to_json() if selection is not None else {},
            ids=ids,
            value=value,
            matched=matched,
        )
    if matched <= RUN_NOW:
        return bulk_run(action_id=action.pk, by=by)
    from patron.customers.jobs import customers_bulk_run

    queue_after_commit(customers_bulk_run, action.pk, requested_by=as_actor(by).user_id)
    return action


def bulk_run(*, action_id, by):
    """Run the change recorded as ListAction ``action_id``, batch by batch; returns it, done.
    Permissions are checked again: a queued change runs with its asker's rights of the moment."""
    require(by, "customers.change_customer")
    action = ListAction.objects.get(pk=action_id)
    try:
        if action.ids:
            targets = bulk_targets(ids=action.ids)
        else:
            targets = bulk_targets(selection=customer_filters.from_json(action.filters))
        change = _CHANGES[action.kind](action.value)
        last, changed = 0, 0
        while True:
            batch = list(targets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not batch:
                break
            with transaction.atomic():
                changed += change(batch, by)
            last = batch[-1]
    except Exception:
        ListAction.objects.filter(pk=action.pk).update(
            status=ListAction.Status.FAILED, finished_at=timezone.now()
        )
        raise
    action.changed, action.status, action.finished_at = changed, ListAction.Status.DONE, timezone.now()
    action.save(update_fields=["changed", "status", "finished_at"])
    return action


def _tag_names(pks):
    names = {pk: [] for pk in pks}
    links = TagLink.objects.filter(customer_id__in=pks).order_by("tag__name")
    for pk, name in links.values_list("customer_id", "tag__name"):
        names[pk].append(name)
    return names


def _audit(by, changes_of):
    AuditEvent.objects.bulk_create(
        audit_event(customer=Customer(pk=pk), actor=by, action=Action.UPDATE, changes=changes)
        for pk, changes in changes_of.items()
    )


def _tag_adder(name):
    def add(batch, by):
        tag = Tag.objects.get(key=tag_key(name))
        have = set(
            TagLink.objects.filter(customer_id__in=batch, tag=tag).values_list("customer_id", flat=True)
        )
        new = [pk for pk in batch if pk not in have]
        before = _tag_names(new)
        TagLink.objects.bulk_create([TagLink(customer_id=pk, tag=tag) for pk in new], ignore_conflicts=True)
        Customer.objects.filter(pk__in=new).update(updated_at=timezone.now())
        _audit(by, {pk: {"tags": [before[pk], sorted([*before[pk], tag.name])]} for pk in new})
        return len(new)

    return add


def _tag_remover(name):
    def remove(batch, by):
        tag = Tag.objects.filter(key=tag_key(name)).first()
        if tag is None:
            return 0
        held = list(
            TagLink.objects.filter(customer_id__in=batch, tag=tag).values_list("customer_id", flat=True)
        )
        before = _tag_names(held)
        TagLink.objects.filter(customer_id__in=held, tag=tag).delete()
        Customer.objects.filter(pk__in=held).update(updated_at=timezone.now())
        _audit(by, {pk: {"tags": [before[pk], [n for n in before[pk] if n != tag.name]]} for pk in held})
        return len(held)

    return remove


def _owner_setter(username):
    def assign(batch, by):
        new = owner_id(username)  # refused if they were deactivated since
        customers = Customer.objects.filter(pk__in=batch)
        customers = customers.exclude(owner_id=new) if new else customers.exclude(owner__isnull=True)
        field = f"owner__{get_user_model().USERNAME_FIELD}"
        before = dict(customers.values_list("pk", field))
        Customer.objects.filter(pk__in=before).update(owner_id=new, updated_at=timezone.now())
        _audit(by, {pk: {"owner": [old, username or None]} for pk, old in before.items()})
        return len(before)

    return assign


_CHANGES = {Kind.TAG_ADD: _tag_adder, Kind.TAG_REMOVE: _tag_remover, Kind.OWNER: _owner_setter}
