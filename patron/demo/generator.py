"""`generate_shop`: fill the database with a believable shop in Thailand, Vietnam, Turkey or
the Philippines. The same country and seed always give the same shop."""

import re
import time

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from patron.customers.models import (
    AuditEvent,
    Consent,
    ConsentEvent,
    ContactPoint,
    Customer,
    ExternalId,
    Tag,
)
from patron.demo.catalogue import CATALOGUES
from patron.demo.loyalty import run_programme
from patron.demo.orders import book_orders
from patron.demo.partners import write_partners
from patron.demo.plan import CUSTOMER_SOURCE, DEMO, ORDER_SOURCE, ShopPlanner, tag_names
from patron.demo.shops import SHOPS
from patron.interactions.models import Interaction
from patron.sales.models import Order, OrderLine, Product
from patron.workspace.services import get_workspace

MAX_CUSTOMERS = 2_000_000
COUNTED = (
    "customers",
    "orders",
    "order_lines",
    "interactions",
    "organisations",
    "contacts",
    "consent_events",
    "products",
    "points_entries",
    "coupon_uses",
    "member_cards",
)
CHUNK = 1000
_TRAILING_NUMBER = re.compile(r"(\d+)$")


class DemoError(ValueError):
    """A request the demo generator cannot fulfil; the message says why."""


def generate_shop(country, customers, seed, *, add=False, progress=None, now=None):
    """Write a demo shop of `customers` customers in `country` with two years of history.

    Refuses a database that holds customers unless `add`. `progress(description, done,
    total)` is called as customers are written. Returns counts of the rows written and
    the seconds taken.
    """
    started = time.monotonic()
    profile = _check_request(country, customers, seed)
    now = now or timezone.now()
    # The country is part of the seed, so shops of different countries differ in shape too.
    # A sixth stream for the loyalty programme: spawn(6)'s first five are spawn(5)'s, as before.
    streams = np.random.default_rng([seed, *profile.country.encode()]).spawn(6)
    people_rng, order_rng, contact_rng, book_rng, partner_rng, loyalty_rng = streams
    counts = dict.fromkeys(COUNTED, 0)
    with transaction.atomic():
        _check_database(profile, add)
        _set_workspace(profile)
        products, counts["products"] = _stock_products(profile)
        tag_ids = _tag_ids(tag_names(profile))
        staff_ids = list(
            get_user_model().objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        )
        book = book_orders(book_rng, profile, customers, now, _next_number(ORDER_SOURCE))
        planner = ShopPlanner(
            profile=profile,
            book=book,
            catalogue=CATALOGUES[profile.country],
            products=products,
            rngs=(people_rng, order_rng, contact_rng),
            now=now,
            staff_ids=staff_ids,
            first_customer_number=_next_number(CUSTOMER_SOURCE),
        )
        customer_ids = []
        for first in range(0, customers, CHUNK):
            last = min(first + CHUNK, customers)
            batch = planner.plan(first, last)
            _write(batch, tag_ids)
            customer_ids += [customer.pk for customer in batch.customers]
            for key, rows in [
                ("customers", batch.customers),
                ("orders", batch.orders),
                ("order_lines", batch.lines),
                ("interactions", batch.interactions),
                ("consent_events", batch.consent_events),
            ]:
                counts[key] += len(rows)
            if progress:
                progress("Customers", last, customers)
        partners = write_partners(profile=profile, rng=partner_rng, now=now, staff_ids=staff_ids)
        for key, written in partners.items():
            counts[key] += written
        if progress:
            progress("Loyalty programme", 0, 1)
        made = run_programme(profile=profile, customer_ids=customer_ids, rng=loyalty_rng, now=now, by=DEMO)
        counts["points_entries"] = sum(made[key] for key in ("earned", "redeemed", "expired", "reversed"))
        counts["coupon_uses"], counts["member_cards"] = made["coupon_uses"], made["cards"]
        if progress:
            progress("Loyalty programme", 1, 1)
    counts["seconds"] = round(time.monotonic() - started, 2)
    return counts


def _check_request(country, customers, seed):
    profile = SHOPS.get(str(country or "").strip().upper())
    if profile is None:
        raise DemoError(
            f"There is no demo shop for country {country!r}: choose one of {', '.join(sorted(SHOPS))}."
        )
    if isinstance(customers, bool) or not isinstance(customers, int) or not 1 <= customers <= MAX_CUSTOMERS:
        raise DemoError(f"Ask for 1 to {MAX_CUSTOMERS:,} customers, not {customers!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DemoError(f"The seed must be a whole number of 0 or more, not {seed!r}.")
    return profile


def _check_database(profile, add):
    existing = Customer.objects.count()
    if existing and not add:
        raise DemoError(
            f"The database already holds {existing:,} customers, and demo data would mix with them. "
            "Run it on an empty database, or pass --add to add demo customers anyway."
        )
    other = Order.objects.exclude(currency=profile.currency).values_list("currency", flat=True).first()
    if other:
        raise DemoError(
            f"The database holds orders in {other}, but a demo shop in {profile.country} sells in "
            f"{profile.currency}. Add a {profile.country} shop to an empty database instead."
        )


def _set_workspace(profile):
    workspace = get_workspace()
    workspace.name = profile.shop_name
    workspace.country = profile.country
    workspace.currency = profile.currency
    workspace.time_zone = profile.time_zone
    workspace.save()


def _stock_products(profile):
    """The shop's products by SKU, creating those not there yet; and how many were created."""
    catalogue = CATALOGUES[profile.country]
    products = {p.sku: p for p in Product.objects.filter(sku__in=[item.sku for item in catalogue])}
    missing = [
        Product(sku=item.sku, name=item.name, category=item.category)
        for item in catalogue
        if item.sku not in products
    ]
    Product.objects.bulk_create(missing)
    products.update((product.sku, product) for product in missing)
    return products, len(missing)


def _tag_ids(names):
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    Tag.objects.bulk_create([Tag(name=name) for name in names if name not in existing])
    return dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))


def _next_number(source):
    """One more than the highest number ending a demo id from `source` (so --add never collides)."""
    if source == ORDER_SOURCE:
        values = Order.objects.filter(source=source).values_list("external_id", flat=True)
    else:
        values = ExternalId.objects.filter(source=source).values_list("value", flat=True)
    matches = (_TRAILING_NUMBER.search(value) for value in values.iterator())
    return max((int(match.group(1)) for match in matches if match), default=0) + 1


def _write(batch, tag_ids):
    Customer.objects.bulk_create(batch.customers)
    ContactPoint.objects.bulk_create(batch.contact_points)
    ExternalId.objects.bulk_create(batch.external_ids)
    AuditEvent.objects.bulk_create(batch.audits)
    TagLink = Customer.tags.through
    TagLink.objects.bulk_create(
        [TagLink(customer_id=customer.pk, tag_id=tag_ids[name]) for customer, name in batch.tag_links]
    )
    Order.objects.bulk_create(batch.orders)
    OrderLine.objects.bulk_create(batch.lines)
    Interaction.objects.bulk_create(batch.interactions)
    ConsentEvent.objects.bulk_create(batch.consent_events)
    Consent.objects.bulk_create(batch.consents)
    # auto_now_add ignores the value given on insert: date the records from their history.
    _backdate(Customer, ["created_at", "updated_at"], batch.customers, batch.created_at)
    _backdate(AuditEvent, ["at"], batch.audits, batch.created_at)


def _backdate(model, field_names, rows, moments):
    """Set the date-time fields of saved `rows` to `moments`, in one statement run many times.

    Far quicker than bulk_update's CASE expressions; the backend adapts the values.
    """
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    columns = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in field_names)
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {columns} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (*[adapt(moment)] * len(field_names), row.pk)
                for row, moment in zip(rows, moments, strict=True)
            ],
        )
