from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from patron.customers.models import AuditEvent, Consent, ConsentEvent, ContactPoint, Customer
from patron.customers.services import CustomerData, consent_record, customer_create, customer_update
from patron.customers.tests.factories import make_customer


def test_create_normalises_local_phone_to_e164_in_workspace_region(somchai, thai_shop):
    customer = customer_create(data=CustomerData(display_name="Somsak", phones=["081 234 5678"]), by=somchai)
    assert [p.normalised for p in customer.phone_points] == ["+66812345678"]


def test_local_and_e164_forms_are_one_number(somchai, thai_shop):
    customer = customer_create(
        data=CustomerData(display_name="Somsak", phones=["081 234 5678", "+66812345678"]), by=somchai
    )
    assert len(customer.phone_points) == 1


def test_customers_own_country_is_region_for_local_numbers(somchai, thai_shop):
    customer = make_customer(somchai, "nguyen_van_an")
    assert [p.normalised for p in customer.phone_points] == ["+84901234567"]


def test_display_name_built_family_first_for_vietnamese(somchai, thai_shop):
    assert make_customer(somchai, "nguyen_van_an").display_name == "Nguyễn Văn An"
    assert make_customer(somchai, "juan").display_name == "Juan dela Cruz"


def test_invalid_phone_and_email_are_rejected_and_nothing_is_written(somchai, thai_shop):
    with pytest.raises(ValidationError) as caught:
        customer_create(
            data=CustomerData(display_name="X", phones=["12"], emails=["not-an-email"]), by=somchai
        )
    assert set(caught.value.message_dict) == {"phones.0", "emails.0"}
    assert Customer.objects.count() == 0


def test_customer_needs_a_name(somchai, thai_shop):
    with pytest.raises(ValidationError) as caught:
        customer_create(data=CustomerData(emails=["a@example.com"]), by=somchai)
    assert "display_name" in caught.value.message_dict


def test_external_id_points_to_one_customer(somchai, thai_shop):
    customer_create(data=CustomerData(display_name="A", external_ids=[("pos", "C1")]), by=somchai)
    with pytest.raises(ValidationError) as caught:
        customer_create(data=CustomerData(display_name="B", external_ids=[("pos", "C1")]), by=somchai)
    assert "external_ids.0" in caught.value.message_dict


def test_customer_may_hold_several_ids_from_one_source(somchai, thai_shop):
    customer = customer_create(
        data=CustomerData(display_name="A", external_ids=[("pos", "C1"), ("pos", "C2")]), by=somchai
    )
    assert customer.external_ids.count() == 2


def test_update_records_what_changed_in_audit(somchai, thai_shop):
    customer = make_customer(somchai, "juan")
    customer_update(customer=customer, data=CustomerData(family_name="Santos", tags=["vip"]), by=somchai)
    event = AuditEvent.objects.filter(customer=customer, action="update").get()
    assert event.actor == somchai
    assert event.changes["family_name"] == ["dela Cruz", "Santos"]
    assert event.changes["tags"] == [[], ["vip"]]


def test_update_with_no_change_writes_no_audit(somchai, thai_shop):
    customer = make_customer(somchai, "juan")
    customer_update(customer=customer, data=CustomerData(family_name="dela Cruz"), by=somchai)
    assert not AuditEvent.objects.filter(customer=customer, action="update").exists()


def test_latest_consent_is_in_force_and_history_kept(somchai, thai_shop):
    customer = make_customer(somchai, "juan")
    now = timezone.now()
    consent_record(
        customer=customer,
        channel="sms",
        purpose="marketing",
        granted=True,
        source="shop",
        occurred_at=now - timedelta(days=2),
        by=somchai,
    )
    consent_record(
        customer=customer,
        channel="sms",
        purpose="marketing",
        granted=False,
        source="call",
        occurred_at=now - timedelta(days=1),
        by=somchai,
    )
    # A grant recorded late, but dated before the withdrawal, does not override it.
    consent_record(
        customer=customer,
        channel="sms",
        purpose="marketing",
        granted=True,
        source="paper form",
        occurred_at=now - timedelta(days=3),
        by=somchai,
    )
    consent = Consent.objects.get(customer=customer, channel="sms", purpose="marketing")
    assert consent.granted is False and consent.source == "call"
    assert ConsentEvent.objects.filter(customer=customer).count() == 3
    assert AuditEvent.objects.filter(customer=customer, action="consent").count() == 3


def test_consent_rejects_unknown_channel_and_future_time(somchai, thai_shop):
    customer = make_customer(somchai, "juan")
    with pytest.raises(ValidationError) as caught:
        consent_record(
            customer=customer,
            channel="fax",
            purpose="marketing",
            granted=True,
            source="x",
            occurred_at=timezone.now() + timedelta(days=1),
            by=somchai,
        )
    assert set(caught.value.message_dict) == {"channel", "occurred_at"}
    assert not ConsentEvent.objects.exists()


def test_analyst_cannot_create_or_change(maria, somchai, thai_shop):
    customer = make_customer(somchai, "juan")
    with pytest.raises(PermissionDenied):
        customer_create(data=CustomerData(display_name="X"), by=maria)
    with pytest.raises(PermissionDenied):
        customer_update(customer=customer, data=CustomerData(display_name="Y"), by=maria)
    with pytest.raises(PermissionDenied):
        consent_record(
            customer=customer, channel="sms", purpose="service", granted=True, source="x", by=maria
        )


@pytest.mark.parametrize("missing", ["channel", "purpose", "granted"])
def test_consent_without_a_choice_is_refused(somchai, thai_shop, missing):
    """A consent is never assumed: the service refuses a missing channel, purpose or decision."""
    customer = make_customer(somchai, "juan")
    chosen = {"channel": "email", "purpose": "marketing", "granted": True} | {missing: None}
    with pytest.raises(ValidationError) as caught:
        consent_record(customer=customer, source="counter", by=somchai, **chosen)
    assert set(caught.value.message_dict) == {missing}
    assert not ConsentEvent.objects.exists()


def test_an_update_keeps_the_rows_of_the_e_mails_and_phones_it_keeps(somchai, thai_shop):
    customer = customer_create(
        data=CustomerData(
            given_name="Malee", emails=["malee@example.co.th", "m@x.th"], phones=["081 234 5678"]
        ),
        by=somchai,
    )
    first, second = customer.contact_points.filter(kind="email").order_by("id")
    phone = customer.contact_points.get(kind="phone")
    customer_update(
        customer=customer,
        data=CustomerData(emails=["new@example.th", "M@x.th"], phones=["081 234 5678", "089 999 0000"]),
        by=somchai,
    )
    rows = {row.normalised: row for row in customer.email_points}
    assert set(rows) == {"new@example.th", "m@x.th"}
    assert not ContactPoint.objects.filter(pk=first.pk).exists()
    assert rows["m@x.th"].pk == second.pk and rows["m@x.th"].value == "M@x.th"
    assert rows["new@example.th"].is_primary and not rows["m@x.th"].is_primary
    phones = list(customer.contact_points.filter(kind="phone").order_by("id"))
    assert [p.pk for p in phones][0] == phone.pk and phones[0].is_primary
    assert phones[1].normalised == "+66899990000" and not phones[1].is_primary
    # The kept e-mail becomes the primary one: the same row, now primary, and only one.
    customer_update(customer=customer, data=CustomerData(emails=["m@x.th"]), by=somchai)
    (row,) = customer.email_points
    assert (row.pk, row.is_primary, row.value) == (second.pk, True, "m@x.th")
