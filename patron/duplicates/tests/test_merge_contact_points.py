"""A merge moves every contact point, chat ids included, never leaving two primaries of a kind;
undo gives them back, also for merges recorded before contact points."""

import pytest

from patron.customers.models import ContactPoint
from patron.customers.services import CustomerData, customer_create
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.models import Merge

pytestmark = pytest.mark.django_db

LINE_SHOP = "U" + "a" * 32
LINE_WEB = "U" + "b" * 32


def points(customer):
    return sorted(
        (p.kind, p.normalised, p.is_primary) for p in ContactPoint.objects.filter(customer=customer)
    )


@pytest.fixture
def records(somchai, thai_shop):
    shop = customer_create(
        data=CustomerData(
            given_name="Somsri", emails=["somsri@example.co.th"], contact_points=[("line", LINE_SHOP)]
        ),
        by=somchai,
    )
    web = customer_create(
        data=CustomerData(
            given_name="Somsri",
            emails=["somsri@example.co.th", "s.j@example.com"],
            contact_points=[("line", LINE_WEB), ("zalo", "2468458835296117922"), ("line", LINE_SHOP)],
        ),
        by=somchai,
    )
    return shop, web


def test_merge_moves_chat_ids_keeping_one_primary_of_each_kind_and_undo_gives_them_back(records, somchai):
    shop, web = records
    before = {"shop": points(shop), "web": points(web)}
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    assert points(shop) == [
        ("email", "s.j@example.com", False),
        ("email", "somsri@example.co.th", True),
        ("line", LINE_SHOP, True),  # the survivor's own stays primary; the repeat is dropped
        ("line", LINE_WEB, False),
        ("zalo", "2468458835296117922", True),  # the only one of its kind: still primary
    ]
    assert points(web) == []
    merge_undo(merge=merge, by=somchai)
    assert {"shop": points(shop), "web": points(web)} == before


def test_a_merge_recorded_before_contact_points_is_undone_from_its_e_mails_and_phones(somchai, thai_shop):
    shop = customer_create(data=CustomerData(given_name="An", emails=["an@x.vn"]), by=somchai)
    web = customer_create(
        data=CustomerData(given_name="An", emails=["An@X.vn", "an.web@x.vn"], phones=["+84901234567"]),
        by=somchai,
    )
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    # The record as merges wrote it before: e-mails and phones apart, ids of their old tables.
    record = merge.snapshot
    rows = record.pop("contact_points")
    record["emails"] = [
        {
            "id": 9000 + i,
            "repeat": row["repeat"],
            "address": row["value"],
            "normalised": row["normalised"],
            "match_key": row["match_key"],
            "is_primary": row["is_primary"],
        }
        for i, row in enumerate(rows)
        if row["kind"] == "email"
    ]
    record["phones"] = [
        {
            "id": 9100,
            "repeat": row["repeat"],
            "e164": row["normalised"],
            "raw": "",
            "is_primary": row["is_primary"],
        }
        for row in rows
        if row["kind"] == "phone"
    ]
    Merge.objects.filter(pk=merge.pk).update(snapshot=record)
    merge.refresh_from_db()
    merge_undo(merge=merge, by=somchai)
    assert points(web) == [
        ("email", "an.web@x.vn", False),
        ("email", "an@x.vn", True),
        ("phone", "+84901234567", True),
    ]
    assert points(shop) == [("email", "an@x.vn", True)]
    assert ContactPoint.objects.get(customer=web, kind="phone").value == "+84901234567"
