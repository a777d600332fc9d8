"""The ladder in the customer-data registry: a merge derives both again (the survivor with the
merged customer's orders), its undo likewise; an erasure deletes the standing, moves and
evidence by hand."""

import pytest

from patron.customers import registry
from patron.customers.erasure import customer_erase
from patron.customers.registry import OnErase, OnMerge
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.tests.factories import an_twice
from patron.ladder import derivation
from patron.ladder.models import HandEvidence, Move, Stage, Standing
from patron.ladder.tests.test_derivation import NOW, by_hand

pytestmark = pytest.mark.django_db


def test_the_ladder_is_declared():
    declared = {h.model: (h.merge, h.erase) for h in registry.holdings()}
    assert declared[Standing] == (OnMerge.RECOMPUTE, OnErase.DELETE)
    assert declared[Move] == (OnMerge.KEEP, OnErase.DELETE)
    assert declared[HandEvidence] == (OnMerge.MOVE, OnErase.DELETE)


def test_a_merge_derives_the_survivor_again(somchai, thai_shop, django_capture_on_commit_callbacks):
    survivor, merged = an_twice(somchai)
    by_hand(merged, "idea", 3, somchai)
    derivation.derive_all(now=NOW)
    assert Standing.objects.get(customer=survivor).stage < Stage.PARTNER
    with django_capture_on_commit_callbacks(execute=True):
        customer_merge(survivor=survivor, merged=merged, by=somchai)
    # The idea is the survivor's now: a partner.
    assert Standing.objects.get(customer=survivor).stage == Stage.PARTNER
    assert not Standing.objects.filter(customer=merged).exists()
    assert Move.objects.filter(customer=merged).exists()  # its history stays with it


def test_an_erasure_deletes_what_the_ladder_holds(somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    by_hand(somsri, "contract", 3, somchai)
    derivation.derive_all(now=NOW)
    assert Standing.objects.filter(customer=somsri).exists()
    customer_erase(customer=somsri, reason="Asked by phone", by=somchai)
    assert not Standing.objects.exists()
    assert not Move.objects.exists()
    assert not HandEvidence.objects.exists()
