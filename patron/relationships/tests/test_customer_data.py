"""Levels in the customer-data registry: a merge keeps the higher level and moves the history,
its undo puts both back; the copy holds them; an erasure deletes them."""

import pytest

from patron.conftest import with_token
from patron.customers import registry
from patron.customers.erasure import customer_erase
from patron.customers.registry import OnErase, OnMerge
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.tests.factories import an_twice
from patron.relationships.models import CustomerLevel, Level, LevelChange, StepRun
from patron.relationships.services import level_set

pytestmark = pytest.mark.django_db


def test_the_models_are_declared():
    declared = {h.model.__name__: (h.merge, h.erase) for h in registry.holdings()}
    assert declared["CustomerLevel"] == (OnMerge.RECOMPUTE, OnErase.DELETE)
    assert declared["LevelChange"] == (OnMerge.MOVE, OnErase.DELETE)
    assert declared["StepRun"] == (OnMerge.KEEP, OnErase.DELETE)


@pytest.mark.parametrize(
    ("survivor_level", "merged_level", "kept"),
    [
        (Level.BASIC, Level.PROACTIVE, Level.PROACTIVE),
        (Level.PARTNERSHIP, Level.REACTIVE, Level.PARTNERSHIP),
        (None, Level.ACCOUNTABLE, Level.ACCOUNTABLE),
        (Level.REACTIVE, None, Level.REACTIVE),
    ],
)
def test_a_merge_keeps_the_higher_level_and_the_undo_puts_both_back(
    somchai, thai_shop, survivor_level, merged_level, kept
):
    survivor, merged = an_twice(somchai)
    for customer, level in ((survivor, survivor_level), (merged, merged_level)):
        if level:
            level_set(by=somchai, customer=customer, level=level, reason=f"{level} for the test")
    changes = LevelChange.objects.count()
    merge = customer_merge(survivor=survivor, merged=merged, by=somchai)
    assert CustomerLevel.objects.get(customer=survivor).level == kept
    assert not CustomerLevel.objects.filter(customer=merged).exists()
    assert LevelChange.objects.filter(customer=survivor).count() == changes
    merge_undo(merge=merge, by=somchai)
    after = dict(CustomerLevel.objects.values_list("customer_id", "level"))
    assert after == {
        c.pk: level for c, level in ((survivor, survivor_level), (merged, merged_level)) if level
    }
    assert LevelChange.objects.filter(customer=merged).count() == (1 if merged_level else 0)


def test_an_erasure_deletes_the_level_its_history_and_what_playbooks_did(somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    level_set(by=somchai, customer=somsri, level=Level.BASIC, reason="ซื้อครั้งแรก")
    level_set(by=somchai, customer=somsri, level=Level.REACTIVE, reason="ตอบแบบสอบถาม")
    customer_erase(customer=somsri, reason="Asked by phone", by=somchai)
    assert not CustomerLevel.objects.exists()
    assert not LevelChange.objects.exists()
    assert not StepRun.objects.exists()


def test_the_copy_holds_the_level_and_its_history(client, somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    level_set(by=somchai, customer=juan, level=Level.BASIC, reason="Unang bili")
    document = with_token(client, somchai).get(f"/api/customers/{juan.pk}/export").json()
    assert [row["reason"] for row in document["data"]["relationship_level_changes"]] == ["Unang bili"]
    assert [row["level"] for row in document["data"]["relationship_levels"]] == ["basic"]
