"""What the database itself keeps true of customers, their contact details, consents and audit
trail, whatever writes them: choices, one primary e-mail and phone, never merged into oneself."""

from datetime import UTC, datetime

import pytest
from django.db.models import F

from patron.customers.models import (
    AuditEvent,
    Channel,
    Consent,
    ConsentEvent,
    ContactPoint,
    Customer,
    Gender,
    Purpose,
)
from patron.customers.services import CustomerData, customer_update
from patron.customers.tests.constraints import accepted, refused
from patron.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 2, 3, 4, tzinfo=UTC)


@pytest.fixture
def customer():
    return Customer.objects.create(display_name="Juan dela Cruz")


def test_a_gender_outside_the_choices_is_refused_and_blank_is_allowed(customer):
    rows = Customer.objects.filter(pk=customer.pk)
    refused(rows, "customer_gender_known_or_blank", gender="f")
    refused(rows, "customer_gender_known_or_blank", gender="Female")
    for gender in [*Gender.values, ""]:
        accepted(rows, gender=gender)


def test_a_customer_is_never_merged_into_itself(customer):
    rows = Customer.objects.filter(pk=customer.pk)
    refused(rows, "customer_not_merged_into_itself", merged_into=F("pk"))
    accepted(rows, merged_into=Customer.objects.create(display_name="Juan D. Cruz").pk)
    accepted(rows, merged_into=None)


@pytest.mark.parametrize("model", [ConsentEvent, Consent])
def test_consent_channel_and_purpose_are_known(customer, model):
    event = ConsentEvent.objects.create(
        customer=customer,
        channel="sms",
        purpose="marketing",
        granted=True,
        occurred_at=WHEN,
        source="shop",
        actor_kind="system",
    )
    if model is Consent:
        Consent.objects.create(
            customer=customer,
            channel="sms",
            purpose="marketing",
            granted=True,
            since=WHEN,
            source="shop",
            event=event,
        )
    rows = model.objects.filter(customer=customer)
    prefix = "consent_event" if model is ConsentEvent else "consent"
    refused(rows, f"{prefix}_channel_known", channel="line")
    refused(rows, f"{prefix}_channel_known", channel="")
    refused(rows, f"{prefix}_purpose_known", purpose="profiling")
    for channel in Channel.values:
        accepted(rows, channel=channel)
    for purpose in Purpose.values:
        accepted(rows, purpose=purpose)


def test_an_audit_action_outside_the_choices_is_refused(customer):
    event = AuditEvent.objects.create(
        customer=customer, action=AuditEvent.Action.CREATE, changes={}, actor_kind="system"
    )
    rows = AuditEvent.objects.filter(pk=event.pk)
    refused(rows, "audit_action_known", action="rename")
    for action in AuditEvent.Action.values:
        accepted(rows, action=action)


@pytest.mark.parametrize(
    "values",
    [
        [
            {"kind": "email", "value": f"juan{i}@example.ph", "normalised": f"juan{i}@example.ph"}
            for i in range(3)
        ],
        [
            {"kind": "phone", "value": f"+6391712345{i}{i}", "normalised": f"+6391712345{i}{i}"}
            for i in range(3)
        ],
        [{"kind": "line", "value": f"U{i:032x}", "normalised": f"U{i:032x}"} for i in range(3)],
    ],
)
def test_a_customer_has_at_most_one_primary_contact_point_of_each_kind(customer, values):
    model, constraint = ContactPoint, "contact_point_one_primary"
    first, second, third = (
        model.objects.create(customer=customer, is_primary=i == 0, **row) for i, row in enumerate(values)
    )
    refused(model.objects.filter(pk=second.pk), constraint, is_primary=True)
    # Checked row by row, not at the end of the statement: setting both at once is refused too.
    refused(model.objects.filter(pk__in=[second.pk, third.pk]), constraint, is_primary=True)
    # Another customer has a primary of their own; given up first, the primary can move.
    other = Customer.objects.create(display_name="María Santos")
    accepted(model.objects.filter(pk=third.pk), customer=other.pk, is_primary=True)
    accepted(model.objects.filter(pk=first.pk), is_primary=False)
    accepted(model.objects.filter(pk=second.pk), is_primary=True)


def test_changing_which_email_and_phone_come_first_moves_the_primary(somchai, thai_shop):
    """The services' own path: the old primary is given up before the new one is set."""
    customer = make_customer(
        somchai,
        given_name="สมศรี",
        emails=["a@example.co.th", "b@example.co.th"],
        phones=["081 234 5678", "082 345 6789"],
    )
    customer_update(
        customer=customer,
        data=CustomerData(
            emails=["b@example.co.th", "a@example.co.th"], phones=["082 345 6789", "081 234 5678"]
        ),
        by=somchai,
    )
    primaries = customer.contact_points.filter(is_primary=True)
    assert list(primaries.filter(kind="email").values_list("value", flat=True)) == ["b@example.co.th"]
    assert list(primaries.filter(kind="phone").values_list("normalised", flat=True)) == ["+66823456789"]
