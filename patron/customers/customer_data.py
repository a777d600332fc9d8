"""What the customers app holds about a customer (see registry.py)."""

from patron.customers import erasure, merge_rows
from patron.customers.consents import consent_ids, consents_refresh
from patron.customers.models import (
    AuditEvent,
    Consent,
    ConsentEvent,
    ContactPoint,
    Customer,
    ExternalId,
    ListAction,
)
from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces


def _tags(customer_ids):
    links = Customer.tags.through.objects.filter(customer__in=customer_ids).order_by("tag__name", "customer")
    return [{"customer_id": c, "tag": name} for c, name in links.values_list("customer_id", "tag__name")]


def _consents_move(*, source, target, moved):
    ids = consent_ids(source)
    consents_refresh(target)
    consents_refresh(source)
    return ids


def _consents_put_back(ids, *, source, target):
    consents_refresh(target)
    consents_refresh(source, ids=ids)


# The profile itself: a merge picks the survivor's fields field by field (duplicates/merging.py),
# and the merged record keeps its own as a tombstone.
register(
    Holding(
        "profile",
        Customer,
        OnMerge.KEEP,
        OnErase.SCRUB,
        customer_fields=("id",),
        scrub=erasure.scrub_profiles,
    )
)
# An event the customer recorded themselves names them again as its actor (patron.actors).
register(
    Holding(
        "consent_events",
        ConsentEvent,
        OnMerge.MOVE,
        OnErase.DELETE,
        customer_fields=("customer", "actor_customer"),
    )
)
register(
    Holding(
        "external_ids",
        ExternalId,
        OnMerge.MOVE,
        OnErase.DELETE,
        move=merge_rows.move_external_ids,
        put_back=merge_rows.return_external_ids,
    )
)
# Merges recorded before contact points moved e-mails and phones under their own names.
register(
    Holding(
        "contact_points",
        ContactPoint,
        OnMerge.MOVE,
        OnErase.DELETE,
        move=merge_rows.move_contact_points,
        put_back=merge_rows.return_contact_points,
        older=("emails", "phones"),
    )
)
register(
    Holding(
        "tags",
        Customer.tags.through,
        OnMerge.MOVE,
        OnErase.DELETE,
        export=_tags,
        move=merge_rows.move_tags,
        put_back=merge_rows.return_tags,
    )
)
register(
    Holding(
        "consents",
        Consent,
        OnMerge.RECOMPUTE,
        OnErase.DELETE,
        move=_consents_move,
        put_back=_consents_put_back,
    )
)
# Who changed what, and when: the merged record's history stays its own.
register(
    Holding(
        "audit",
        AuditEvent,
        OnMerge.KEEP,
        OnErase.SCRUB,
        customer_fields=("customer", "actor_customer"),
        scrub=erasure.scrub_audit,
    )
)
# A list's export or change keeps its filter, whose search may be a person's name or phone.
register_traces(Traces(ListAction, ("filters",)))
register_traces(Traces(ListAction, ("ids",), personal=False, why="customer ids, never their data"))
