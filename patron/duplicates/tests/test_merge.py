"""Merging two records of one person, and undoing it exactly."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from patron.customers.models import AuditEvent, Consent, Customer
from patron.customers.selectors import customer_list
from patron.customers.services import CustomerData, consent_record, customer_update
from patron.customers.tests.factories import make_customer
from patron.duplicates.deciding import pair_dismiss, pair_merge
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.models import DuplicatePair, Merge, PairStatus
from patron.duplicates.tests.factories import an_twice, make_pair, state, totals
from patron.sales.services import order_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(somchai, thai_shop):
    """(shop record, web record) of Nguyễn Văn An."""
    return an_twice(somchai)


def reload(customer):
    return Customer.objects.get(pk=customer.pk)


# Merge


def test_merge_moves_every_row_to_the_survivor_and_totals_add_up(an, somchai):
    shop, web = an
    before = {"shop": totals(shop), "web": totals(web)}
    assert before["shop"] == {
        "orders": 2,
        "total_base": Decimal("230.50"),
        "interactions": 1,
        "consent_events": 1,
        "consents": 1,
        "tags": 1,
        "external_ids": 0,
        "emails": 1,
        "phones": 1,
    }
    assert before["web"] == {
        "orders": 3,
        "total_base": Decimal("1309.99"),
        "interactions": 1,
        "consent_events": 2,
        "consents": 2,
        "tags": 2,
        "external_ids": 1,
        "emails": 2,
        "phones": 2,
    }

    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)

    assert totals(shop) == {
        "orders": 5,
        "total_base": Decimal("1540.49"),
        "interactions": 2,
        "consent_events": 3,
        "consents": 2,  # email/marketing from both, sms/service
        "tags": 2,  # "regular" once, "vip"
        "external_ids": 1,
        "emails": 2,  # an.nguyen@example.vn once, an@x.vn
        "phones": 2,  # +84901234567 once, +84911112222
    }
    assert totals(web) == {
        "orders": 0,
        "total_base": Decimal(0),
        "interactions": 0,
        "consent_events": 0,
        "consents": 0,
        "tags": 0,
        "external_ids": 0,
        "emails": 0,
        "phones": 0,
    }


def test_merged_record_is_a_tombstone_pointing_to_the_survivor(an, somchai):
    shop, web = an
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    assert reload(web).merged_into_id == shop.pk
    assert list(customer_list(q="Nguyen Van An")) == [reload(shop)]


def test_merge_records_who_merged_when_and_audits_both(an, lan):
    shop, web = an
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=lan)
    assert merge.by == lan and timezone.now() - merge.at < timedelta(minutes=1)
    survivor_event = shop.audit_events.get(action=AuditEvent.Action.MERGE)
    assert survivor_event.actor == lan
    assert survivor_event.changes["merged_from"] == [None, f"Nguyen Van An (#{web.pk})"]
    assert web.audit_events.get(action=AuditEvent.Action.MERGE).changes == {
        "merged_into": [None, f"Nguyễn Văn An (#{shop.pk})"]
    }


def test_survivor_s_own_primary_e_mail_and_phone_stay_primary(an, somchai):
    shop, web = an
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    assert [(e.value, e.is_primary) for e in shop.email_points] == [
        ("an.nguyen@example.vn", True),
        ("an@x.vn", False),
    ]
    assert [(p.normalised, p.is_primary) for p in shop.phone_points] == [
        ("+84901234567", True),
        ("+84911112222", False),
    ]


def test_consent_in_force_is_the_latest_of_both_records(an, somchai):
    shop, web = an
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    email = Consent.objects.get(customer=shop, channel="email", purpose="marketing")
    assert (email.granted, email.source) == (False, "unsubscribe link")
    assert Consent.objects.get(customer=shop, channel="sms", purpose="service").granted is True
    assert not Consent.objects.filter(customer=web).exists()


def test_survivor_keeps_its_profile_and_fills_what_it_lacks(an, somchai):
    shop, web = an
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    shop = reload(shop)
    assert shop.display_name == "Nguyễn Văn An"
    assert shop.family_name == "Nguyễn Văn"
    assert shop.birthday == date(1990, 5, 1)  # the survivor had none
    assert shop.attributes == {"tier": "silver", "city": "Hà Nội"}


def test_person_picks_the_merged_record_s_value_per_field(an, somchai):
    shop, web = an
    merge = customer_merge(
        survivor=shop,
        merged=web,
        choices={"display_name": "merged", "family_name": "survivor", "attributes.tier": "merged"},
        by=somchai,
    )
    shop = reload(shop)
    assert (shop.display_name, shop.family_name) == ("Nguyen Van An", "Nguyễn Văn")
    assert shop.attributes == {"tier": "gold", "city": "Hà Nội"}
    assert merge.choices["display_name"] == "merged"


def test_choosing_the_survivor_s_empty_field_keeps_it_empty(an, somchai):
    shop, web = an
    customer_merge(
        survivor=shop, merged=web, choices={"birthday": "survivor", "attributes.city": "survivor"}, by=somchai
    )
    shop = reload(shop)
    assert shop.birthday is None
    assert shop.attributes == {"tier": "silver"}


def test_choosing_the_merged_side_of_an_attribute_it_lacks_drops_it(an, somchai):
    shop, web = an
    before = state(web)
    merge = customer_merge(survivor=web, merged=shop, choices={"attributes.city": "merged"}, by=somchai)
    assert reload(web).attributes == {"tier": "gold"}
    merge_undo(merge=merge, by=somchai)
    assert state(web) == before


@pytest.mark.parametrize(
    "choices",
    [{"shoe_size": "merged"}, {"display_name": "both"}, {"attributes.unknown": "merged"}, ["display_name"]],
)
def test_choice_the_merge_does_not_know_is_refused_and_nothing_moves(an, somchai, choices):
    shop, web = an
    before = totals(web)
    with pytest.raises(ValidationError):
        customer_merge(survivor=shop, merged=web, choices=choices, by=somchai)
    assert totals(web) == before
    assert reload(web).merged_into_id is None


def test_customer_cannot_be_merged_into_itself(an, somchai):
    shop, _web = an
    with pytest.raises(ValidationError, match="itself"):
        customer_merge(survivor=shop, merged=shop, choices={}, by=somchai)


def test_merged_customer_cannot_be_merged_again(an, somchai):
    shop, web = an
    other = make_customer(somchai, "juan")
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    with pytest.raises(ValidationError, match="already merged"):
        customer_merge(survivor=other, merged=reload(web), choices={}, by=somchai)


def test_merged_customer_cannot_take_in_another(an, somchai):
    shop, web = an
    other = make_customer(somchai, "juan")
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    with pytest.raises(ValidationError, match="cannot take in others"):
        customer_merge(survivor=reload(web), merged=other, choices={}, by=somchai)


def test_database_refuses_a_second_merge_in_force_of_one_customer(an, somchai):
    shop, web = an
    other = make_customer(somchai, "juan")
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    with pytest.raises(IntegrityError), transaction.atomic():
        Merge.objects.create(survivor=other, merged=web, at=timezone.now(), actor_kind="staff")


def test_database_refuses_a_merge_into_itself(an):
    shop, _web = an
    with pytest.raises(IntegrityError), transaction.atomic():
        Merge.objects.create(survivor=shop, merged=shop, at=timezone.now(), actor_kind="staff")


# Undo


def test_undo_gives_both_customers_back_exactly_what_they_had(an, somchai):
    shop, web = an
    before = {"shop": state(shop), "web": state(web)}
    totals_before = {"shop": totals(shop), "web": totals(web)}
    merge = customer_merge(
        survivor=shop, merged=web, choices={"display_name": "merged", "attributes.tier": "merged"}, by=somchai
    )
    merge_undo(merge=merge, by=somchai)
    assert {"shop": totals(shop), "web": totals(web)} == totals_before
    assert {"shop": state(shop), "web": state(web)} == before


def test_undo_records_who_undid_it_and_audits_both(an, somchai, lan):
    shop, web = an
    merge = customer_merge(survivor=shop, merged=web, choices={"display_name": "merged"}, by=somchai)
    merge_undo(merge=merge, by=lan)
    merge.refresh_from_db()
    assert merge.undone_by == lan and merge.undone_at is not None
    event = shop.audit_events.filter(action=AuditEvent.Action.UPDATE).first()
    assert event.actor == lan
    assert event.changes["display_name"] == ["Nguyen Van An", "Nguyễn Văn An"]
    assert web.audit_events.first().changes == {"merged_into": [f"Nguyễn Văn An (#{shop.pk})", None]}


def test_merge_after_undo_is_possible_again(an, somchai):
    shop, web = an
    merge_undo(merge=customer_merge(survivor=shop, merged=web, choices={}, by=somchai), by=somchai)
    customer_merge(survivor=web, merged=reload(shop), choices={}, by=somchai)
    assert totals(web)["orders"] == 5


def test_undo_twice_is_refused(an, somchai):
    shop, web = an
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    merge_undo(merge=merge, by=somchai)
    with pytest.raises(ValidationError, match="undone already"):
        merge_undo(merge=merge, by=somchai)


def test_undo_is_refused_while_the_survivor_is_merged_into_another(an, somchai):
    shop, web = an
    juan = make_customer(somchai, "juan")
    before = {"shop": state(shop), "web": state(web), "juan": state(juan)}
    first = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    second = customer_merge(survivor=juan, merged=reload(shop), choices={}, by=somchai)
    assert totals(juan)["orders"] == 5
    with pytest.raises(ValidationError, match="undo that merge first"):
        merge_undo(merge=first, by=somchai)
    merge_undo(merge=second, by=somchai)
    merge_undo(merge=first, by=somchai)
    assert {"shop": state(shop), "web": state(web), "juan": state(juan)} == before


def test_what_the_survivor_gained_after_the_merge_stays_with_it(an, somchai):
    shop, web = an
    merge = customer_merge(survivor=shop, merged=web, choices={"display_name": "merged"}, by=somchai)
    order_create(customer=shop, placed_at=timezone.now(), channel="web", total="42.00", by=somchai)
    consent_record(
        customer=shop, channel="email", purpose="marketing", granted=True, source="newsletter", by=somchai
    )
    customer_update(customer=shop, data=CustomerData(display_name="Anh An"), by=somchai)
    merge_undo(merge=merge, by=somchai)
    shop, web = reload(shop), reload(web)
    assert totals(shop)["orders"] == 3 and totals(web)["orders"] == 3
    assert shop.display_name == "Anh An"  # edited since the merge: kept
    shop_email = Consent.objects.get(customer=shop, channel="email", purpose="marketing")
    web_email = Consent.objects.get(customer=web, channel="email", purpose="marketing")
    assert (shop_email.source, web_email.source) == ("newsletter", "unsubscribe link")


def test_undo_gives_back_e_mails_and_ids_even_after_the_survivor_s_were_edited(an, somchai):
    shop, web = an
    before = state(web)
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    # Editing the lists replaces every row: the ids the merge recorded are gone.
    customer_update(
        customer=shop,
        data=CustomerData(
            emails=["an.nguyen@example.vn", "an@x.vn", "an.work@example.vn"],
            phones=["+84901234567", "+84911112222"],
            external_ids=[("webshop", "C-17"), ("pos", "A-1")],
        ),
        by=somchai,
    )
    merge_undo(merge=merge, by=somchai)
    after = state(web)
    assert [e[1:] for e in after["contact_points"]] == [e[1:] for e in before["contact_points"]]
    assert [x[1:] for x in after["external_ids"]] == [("webshop", "C-17")]
    assert [x.value for x in reload(shop).external_ids.all()] == ["A-1"]


# Pairs


def test_merge_of_a_pair_marks_it_merged_and_undo_opens_it_again(an, lan):
    shop, web = an
    pair = make_pair(shop, web)
    merge = pair_merge(pair=pair, survivor_id=web.pk, choices={}, by=lan)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, merge.pair) == (PairStatus.MERGED, lan, pair)
    assert reload(shop).merged_into_id == web.pk
    merge_undo(merge=merge, by=lan)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.decided_at) == (PairStatus.OPEN, None, None)


def test_survivor_must_be_one_of_the_pair(an, somchai):
    shop, web = an
    pair = make_pair(shop, web)
    with pytest.raises(ValidationError) as error:
        pair_merge(pair=pair, survivor_id=make_customer(somchai, "juan").pk, choices={}, by=somchai)
    assert "survivor" in error.value.message_dict


def test_dismissed_pair_is_kept_as_not_the_same(an, lan):
    shop, web = an
    pair = pair_dismiss(pair=make_pair(shop, web), by=lan)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.DISMISSED, lan)
    assert pair.decided_at is not None


def test_decided_pair_cannot_be_decided_again(an, somchai):
    shop, web = an
    pair = pair_dismiss(pair=make_pair(shop, web), by=somchai)
    with pytest.raises(ValidationError, match="decided already"):
        pair_merge(pair=pair, survivor_id=shop.pk, choices={}, by=somchai)
    with pytest.raises(ValidationError, match="decided already"):
        pair_dismiss(pair=pair, by=somchai)
    assert reload(web).merged_into_id is None


def test_database_keeps_pairs_ordered_and_once(an):
    shop, web = an
    make_pair(shop, web)
    with pytest.raises(IntegrityError), transaction.atomic():
        DuplicatePair.objects.create(left=web, right=shop, score=1, found_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        DuplicatePair.objects.create(left=shop, right=web, score=Decimal("0.5"), found_at=timezone.now())


# Permissions


@pytest.mark.parametrize("username", ["emre", "maria"])
def test_only_admins_and_marketers_merge_dismiss_and_undo(an, staff, somchai, username):
    shop, web = an
    pair = make_pair(shop, web)
    someone = staff(username)
    with pytest.raises(PermissionDenied):
        pair_merge(pair=pair, survivor_id=shop.pk, choices={}, by=someone)
    with pytest.raises(PermissionDenied):
        pair_dismiss(pair=pair, by=someone)
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    with pytest.raises(PermissionDenied):
        merge_undo(merge=merge, by=someone)
    assert reload(web).merged_into_id == shop.pk
