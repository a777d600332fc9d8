"""The registry of what each app holds about a customer: nothing left undeclared, and merge
and undo follow it."""

import pytest
from django.apps import apps
from django.db import models

from patron.customers import registry
from patron.customers.audit import audit_event
from patron.customers.models import Customer
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.tests.factories import an_twice
from patron.interactions.models import Interaction

FREE_TEXT = (models.TextField, models.JSONField, models.FileField)


def patron_models():
    return [model for model in apps.get_models() if model._meta.app_label in PATRON_APPS]


PATRON_APPS = {config.label for config in apps.get_app_configs() if config.name.startswith("patron.")}


def test_every_relation_to_a_customer_is_declared():
    declared = {(holding.model, name) for holding in registry.holdings() for name in holding.customer_fields}
    undeclared = [
        f"{model._meta.label}.{field.name}"
        for model in patron_models()
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        and field.related_model is Customer
        and (model, field.name) not in declared
        and model is not Customer  # a tombstone's link to its survivor is part of the profile
    ]
    # Customer.tags: the many-to-many's own table holds the links.
    through = Customer.tags.through
    if not any(holding.model is through for holding in registry.holdings()):
        undeclared.append(through._meta.label)
    assert undeclared == [], "declare these in the owning app's customer_data.py"


def test_every_field_of_free_text_json_or_files_is_declared():
    held = {holding.model for holding in registry.holdings()}
    traced = {(t.model, name) for t in registry.traces() for name in (*t.fields, *t.files)}
    undeclared = [
        f"{model._meta.label}.{field.name}"
        for model in patron_models()
        if model not in held
        for field in model._meta.concrete_fields
        if isinstance(field, FREE_TEXT) and (model, field.name) not in traced
    ]
    assert undeclared == [], "declare these as Traces in the owning app's customer_data.py"


def test_declared_fields_exist():
    for holding in registry.holdings():
        for name in holding.customer_fields:
            holding.model._meta.get_field(name)
    for traces in registry.traces():
        for name in (*traces.fields, *traces.files):
            traces.model._meta.get_field(name)


def test_a_recomputed_holding_must_say_how():
    with pytest.raises(ValueError, match="says how"):
        registry.Holding("ledger", Interaction, registry.OnMerge.RECOMPUTE, registry.OnErase.DELETE)


@pytest.mark.django_db
def test_merge_moves_and_undo_returns_what_the_registry_names(somchai, thai_shop, monkeypatch):
    """A holding the merge code never names (a points ledger, later) moves with the customer
    and comes back on undo; one taken out of the registry stays behind."""
    calls = []

    def move(*, source, target, moved):
        calls.append(("move", source.pk, target.pk, sorted(moved)))
        return {"moved for": source.pk}

    def put_back(record, *, source, target):
        calls.append(("put back", record, source.pk, target.pk))

    holdings = dict(registry._holdings)
    holdings["ledger"] = registry.Holding(
        "ledger", Interaction, registry.OnMerge.MOVE, registry.OnErase.DELETE, move=move, put_back=put_back
    )
    del holdings["interactions"]
    monkeypatch.setattr(registry, "_holdings", holdings)
    shop, web = an_twice(somchai)

    merge = customer_merge(survivor=shop, merged=web, by=somchai)
    assert merge.snapshot["ledger"] == {"moved for": web.pk}
    assert "interactions" not in merge.snapshot["rows"]
    assert Interaction.objects.filter(customer=web).count() == 1  # nobody declared it: it stays
    assert Interaction.objects.filter(customer=shop).count() == 1
    merge_undo(merge=merge, by=somchai)
    by_id = sorted(name for name, held in holdings.items() if held.merge == "move" and held.move is None)
    assert "orders" in by_id and "interactions" not in by_id
    assert calls == [
        ("move", web.pk, shop.pk, by_id),
        ("put back", {"moved for": web.pk}, web.pk, shop.pk),
    ]


def test_an_audit_record_names_a_known_action():
    with pytest.raises(ValueError):
        audit_event(customer=None, actor=None, action="rename", changes={})
