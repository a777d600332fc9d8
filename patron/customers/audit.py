"""The audit trail of customers: every record of who changed what is written through here."""

from patron.actors import as_actor
from patron.customers.models import AuditEvent, ListAction

Action = AuditEvent.Action
# The columns the bulk writers (the customer import) fill, in this order; see `audit_row`.
COLUMNS = (
    "customer_id",
    "actor_id",
    "actor_kind",
    "actor_customer_id",
    "actor_job",
    "action",
    "changes",
    "at",
)


def audit_event(*, customer, actor, action, changes):
    """An audit record not yet saved, for writers that save many at once. ``actor``: an
    Actor (patron.actors), or a user taken as staff."""
    actor = _actor(actor)
    return AuditEvent(customer=customer, action=Action(action), changes=changes, **actor.columns())


def audit_record(*, customer, actor, action, changes):
    event = audit_event(customer=customer, actor=actor, action=action, changes=changes)
    event.save()
    return event


def audit_row(*, customer_id, actor, action, changes_json, at):
    """One record as the values of COLUMNS, for a bulk insert; ``changes_json`` is JSON text."""
    actor = _actor(actor)
    return (
        customer_id,
        actor.user_id,
        actor.kind,
        actor.customer_id,
        actor.job,
        Action(action).value,
        changes_json,
        at,
    )


def _actor(actor):
    actor = as_actor(actor)
    if actor is None:
        raise ValueError("An audit record names who acted (an Actor or a user).")
    return actor


def list_action_record(*, actor, kind, filters=None, ids=None, value="", matched=None):
    """Record an action on many customers at once (an export of the list, a change to a
    selection or a filter), queued until it is done: who, what, and to which customers."""
    actor = _actor(actor)
    return ListAction.objects.create(
        kind=ListAction.Kind(kind),
        filters=filters or {},
        ids=ids or [],
        value=value,
        matched=matched,
        status=ListAction.Status.QUEUED,
        actor=actor.user,
        actor_kind=actor.kind,
        actor_job=actor.job,
    )
