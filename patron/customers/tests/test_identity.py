import pytest

from patron.customers.identity import email_match_key, find_existing
from patron.customers.models import Customer
from patron.customers.services import CustomerData, customer_create, customer_create_or_attach


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("An.Nguyen+shop@GMail.com", "annguyen@gmail.com"),
        ("a.n.nguyen@googlemail.com", "annguyen@gmail.com"),
        ("an.nguyen@yahoo.com", "an.nguyen@yahoo.com"),
        ("Somsri.J@Hotmail.co.th", "somsri.j@hotmail.co.th"),
    ],
)
def test_email_match_key_drops_dots_and_tags_only_at_gmail(address, key):
    assert email_match_key(address) == key


@pytest.fixture
def an(somchai, thai_shop):
    return customer_create(
        data=CustomerData(
            display_name="Nguyễn Văn An",
            emails=["an.nguyen@gmail.com"],
            phones=["081 234 5678"],
            external_ids=[("pos", "C-17")],
        ),
        by=somchai,
    )


@pytest.mark.parametrize(
    ("identities", "reason"),
    [
        ({"external_ids": [("pos", "C-17")]}, "external_id"),
        ({"emails": ["AnNguyen@gmail.com"]}, "email"),
        ({"phones_e164": ["+66812345678"]}, "phone"),
    ],
)
def test_find_existing_matches_each_identity(an, identities, reason):
    assert find_existing(**identities) == (an, reason)


def test_same_value_from_another_source_is_not_a_match(an):
    assert find_existing(external_ids=[("web", "C-17")]) == (None, None)


def test_match_on_a_merged_record_leads_to_its_survivor(an, somchai):
    survivor = customer_create(data=CustomerData(display_name="An Nguyen"), by=somchai)
    Customer.objects.filter(pk=an.pk).update(merged_into=survivor)
    assert find_existing(phones_e164=["+66812345678"]) == (survivor, "phone")


def test_create_with_a_known_phone_attaches_to_the_existing_customer(an, somchai):
    customer, matched_on = customer_create_or_attach(
        data=CustomerData(display_name="An", phones=["0812345678"], emails=["an@work.vn"], tags=["vip"]),
        by=somchai,
    )
    assert (customer.pk, matched_on) == (an.pk, "phone")
    assert Customer.objects.count() == 1
    assert sorted(e.value for e in customer.email_points) == ["an.nguyen@gmail.com", "an@work.vn"]
    assert customer.display_name == "Nguyễn Văn An"  # a filled field is never overwritten
    assert [t.name for t in customer.tags.all()] == ["vip"]


def test_create_with_new_identities_creates(an, somchai):
    customer, matched_on = customer_create_or_attach(
        data=CustomerData(display_name="Trần Thị Lan", phones=["0899999999"]), by=somchai
    )
    assert matched_on is None and customer.pk != an.pk
