"""Two records of one person, with everything a merge moves, and totals to compare."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from patron.customers.models import Consent
from patron.customers.services import PROFILE_FIELDS, CustomerData, consent_record, customer_create
from patron.duplicates.models import DuplicatePair
from patron.interactions.services import interaction_log
from patron.sales.services import order_create


def make_pair(left, right, *, score="0.900", evidence=None):
    """A proposed pair, as a scan would store it."""
    left, right = sorted((left, right), key=lambda customer: customer.pk)
    return DuplicatePair.objects.create(
        left=left,
        right=right,
        score=Decimal(score),
        evidence={"name": 0.95, "phone": 1.0} if evidence is None else evidence,
        found_at=timezone.now(),
    )


def totals(customer):
    """What a merge moves, counted per customer."""
    orders = customer.orders.aggregate(count=Count("id"), base=Sum("total_base"))
    return {
        "orders": orders["count"],
        "total_base": orders["base"] or Decimal(0),
        "interactions": customer.interactions.count(),
        "consent_events": customer.consent_events.count(),
        "consents": customer.consents.count(),
        "tags": customer.tags.count(),
        "external_ids": customer.external_ids.count(),
        "emails": customer.contact_points.filter(kind="email").count(),
        "phones": customer.contact_points.filter(kind="phone").count(),
    }


def state(customer):
    """Everything undo must give back as it was, row ids included."""
    customer.refresh_from_db()
    return {
        "profile": {
            name: getattr(customer, name) for name in [*PROFILE_FIELDS, "merged_into_id", "search_text"]
        },
        "orders": sorted(customer.orders.values_list("pk", flat=True)),
        "interactions": sorted(customer.interactions.values_list("pk", flat=True)),
        "consent_events": sorted(customer.consent_events.values_list("pk", flat=True)),
        "consents": sorted(
            Consent.objects.filter(customer=customer).values_list(
                "pk", "channel", "purpose", "granted", "since", "source", "event_id"
            )
        ),
        "tags": sorted(customer.tags.values_list("name", flat=True)),
        "external_ids": sorted(customer.external_ids.values_list("pk", "source", "value")),
        "contact_points": sorted(
            customer.contact_points.values_list(
                "pk", "kind", "value", "normalised", "match_key", "is_primary", "verified_at"
            )
        ),
    }


def _orders(customer, by, totals_, days_ago):
    for offset, total in enumerate(totals_):
        order_create(
            customer=customer,
            placed_at=timezone.now() - timedelta(days=days_ago + offset),
            channel="store",
            total=total,
            by=by,
        )


def an_twice(by):
    """Nguyễn Văn An, recorded twice: once at the shop, once from the web shop's export.

    The two share an e-mail and a phone (in another form), and each has orders, an
    interaction and consents of their own.
    """
    now = timezone.now()
    shop = customer_create(
        data=CustomerData(
            given_name="An",
            family_name="Nguyễn Văn",
            country="VN",
            emails=["an.nguyen@example.vn"],
            phones=["090 123 4567"],
            tags=["regular"],
            attributes={"tier": "silver"},
        ),
        by=by,
    )
    web = customer_create(
        data=CustomerData(
            display_name="Nguyen Van An",
            given_name="An",
            family_name="Nguyen Van",
            country="VN",
            birthday=date(1990, 5, 1),
            emails=["an@x.vn", "AN.NGUYEN@example.vn"],
            phones=["+84 90 123 4567", "091 111 2222"],
            tags=["vip", "regular"],
            external_ids=[("webshop", "C-17")],
            attributes={"tier": "gold", "city": "Hà Nội"},
        ),
        by=by,
    )
    _orders(shop, by, ["150.00", "80.50"], days_ago=30)
    _orders(web, by, ["1200.00", "99.99", "10.00"], days_ago=10)
    interaction_log(by=by, customer=shop, channel="phone", direction="inbound", subject="Asked about rice")
    interaction_log(by=by, customer=web, channel="email", direction="outbound", subject="Order shipped")
    consent_record(
        customer=shop,
        channel="email",
        purpose="marketing",
        granted=True,
        source="shop counter",
        occurred_at=now - timedelta(days=20),
        by=by,
    )
    consent_record(
        customer=web,
        channel="email",
        purpose="marketing",
        granted=False,
        source="unsubscribe link",
        occurred_at=now - timedelta(days=2),
        by=by,
    )
    consent_record(customer=web, channel="sms", purpose="service", granted=True, source="web checkout", by=by)
    return shop, web


def an_at_the_shop(by):
    return customer_create(
        data=CustomerData(
            given_name="An",
            family_name="Nguyễn Văn",
            country="VN",
            emails=["an@x.vn"],
            phones=["090 123 4567"],
            external_ids=[("pos", "C-1")],
        ),
        by=by,
    )


def an_on_the_web(by):
    """The same man, typed without accents, another e-mail, his phone in international form."""
    return customer_create(
        data=CustomerData(
            display_name="Nguyen Van An",
            given_name="An",
            family_name="Nguyen Van",
            country="VN",
            emails=["an.nguyen@y.com"],
            phones=["+84 90 123 4567"],
            external_ids=[("webshop", "W-9")],
        ),
        by=by,
    )
