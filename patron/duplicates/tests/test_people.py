"""The live customers read from the database as the duplicate finder's people."""

import datetime
from dataclasses import replace

import pytest

from patron.customers.models import Customer
from patron.customers.services import CustomerData, customer_create
from patron.customers.tests.factories import PEOPLE, make_customer
from patron.duplicates.finder import Person, find_pairs
from patron.duplicates.people import people_for_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def somchai(staff, thai_shop):
    return staff("somchai")


def by_id(people):
    return {person.id: person for person in people}


def test_person_has_names_emails_phones_birthday_and_country(somchai):
    born = datetime.date(1990, 5, 1)
    an = customer_create(data=replace(PEOPLE["nguyen_van_an"], birthday=born), by=somchai)
    (person,) = people_for_matching()
    assert person == Person(
        id=an.pk,
        display_name="Nguyễn Văn An",
        given_name="An",
        family_name="Nguyễn Văn",
        emails=("an.nguyen@example.vn",),
        phones=("+84901234567",),
        birthday=born,
        country="VN",
    )


def test_primary_email_and_phone_come_first(somchai):
    juan = customer_create(
        data=CustomerData(
            given_name="Juan",
            family_name="dela Cruz",
            country="PH",
            emails=["juan@work.ph", "juan.delacruz@gmail.com"],
            phones=["0917 123 4567", "0918 765 4321"],
        ),
        by=somchai,
    )
    # Given up before it is set: a customer has one primary e-mail at a time.
    emails = juan.contact_points.filter(kind="email")
    emails.exclude(value="juan.delacruz@gmail.com").update(is_primary=False)
    emails.filter(value="juan.delacruz@gmail.com").update(is_primary=True)
    person = by_id(people_for_matching())[juan.pk]
    assert person.emails == ("juan.delacruz@gmail.com", "juan@work.ph")
    assert set(person.phones) == {"+639171234567", "+639187654321"}


def test_merged_customers_are_left_out(somchai):
    an = make_customer(somchai, "nguyen_van_an")
    sukru = make_customer(somchai, "sukru_isik")
    Customer.objects.filter(pk=sukru.pk).update(merged_into=an)
    assert list(by_id(people_for_matching())) == [an.pk]


def test_address_is_put_together_from_the_attributes(somchai):
    somsri = customer_create(
        data=CustomerData(
            given_name="สมศรี",
            family_name="ใจดี",
            country="TH",
            attributes={"street": "99/1 Sukhumvit Road", "city": "Bangkok", "postcode": 10110, "pet": "cat"},
        ),
        by=somchai,
    )
    (person,) = people_for_matching()
    assert person.id == somsri.pk
    assert person.address == "99/1 Sukhumvit Road, Bangkok, 10110"


def test_customer_without_address_emails_or_phones_has_empty_ones(somchai):
    make_customer(somchai, "istanbul_shop")
    (person,) = people_for_matching()
    assert (person.address, person.emails, person.phones, person.birthday) == ("", (), (), None)


def test_people_are_read_in_three_queries_however_many_customers(somchai, django_assert_num_queries):
    for key in ("nguyen_van_an", "sukru_isik", "somsri", "juan", "istanbul_shop"):
        make_customer(somchai, key)
    with django_assert_num_queries(3):
        people = list(people_for_matching())
    assert len(people) == 5


def test_the_same_customer_typed_twice_is_found_in_the_database(somchai):
    an = make_customer(somchai, "nguyen_van_an")
    again = customer_create(
        data=CustomerData(display_name="Nguyen Van An", country="VN", phones=["+84 90 123 4567"]),
        by=somchai,
    )
    for key in ("sukru_isik", "somsri", "juan"):
        make_customer(somchai, key)
    pairs = find_pairs(people_for_matching())
    assert [(pair.left, pair.right) for pair in pairs] == [(an.pk, again.pk)]
