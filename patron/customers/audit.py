"""The audit trail of customers: every record of who changed what is written through here."""

from patron.customers.models import AuditEvent

Action = AuditEvent.Action
# The columns the bulk writers (the customer import) fill, in this order; see `audit_row`.
COLUMNS = ("customer_id", "actor_id", "action", "changes", "at")


def audit_event(*, customer, actor, action, changes):
    """An audit record not yet saved, for writers that save many at once."""
    return AuditEvent(customer=customer, actor=actor, action=Action(action), changes=changes)


def audit_record(*, customer, actor, action, changes):
    event = audit_event(customer=customer, actor=actor, action=action, changes=changes)
    event.save()
    return event


def audit_row(*, customer_id, actor_id, action, changes_json, at):
    """One record as the values of COLUMNS, for a bulk insert; ``changes_json`` is JSON text."""
    return (customer_id, actor_id, Action(action).value, changes_json, at)
