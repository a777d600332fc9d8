import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from io import StringIO

import phonenumbers
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Min

from patron.customers.models import (
    AuditEvent,
    Consent,
    ConsentEvent,
    ContactPoint,
    Customer,
    ExternalId,
    Tag,
)
from patron.customers.phones import normalise_phone
from patron.customers.services import search_text_of
from patron.demo.generator import generate_shop
from patron.interactions.models import Interaction
from patron.loyalty.models import (
    Account,
    Allocation,
    Card,
    Coupon,
    CouponBatch,
    CouponUse,
    EarnRule,
    Entry,
    Membership,
    Programme,
    Tier,
    TierChange,
)
from patron.organisations.models import Organisation, OrganisationContact
from patron.sales.models import Order, OrderLine, Product
from patron.workspace.services import get_workspace

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
THAI_SCRIPT = re.compile("[\u0e00-\u0e7f]")


def shop_digest():
    """A fingerprint of everything the generator wrote, leaving out ids and insert times."""
    customer = "customer__external_ids__value"
    rows = [
        Customer.objects.order_by("external_ids__value").values_list(
            "external_ids__value",
            "display_name",
            "given_name",
            "family_name",
            "gender",
            "birthday",
            "created_at",
            "search_text",
        ),
        ContactPoint.objects.order_by("kind", "normalised").values_list(
            customer, "kind", "value", "normalised", "is_primary"
        ),
        Customer.tags.through.objects.order_by(customer, "tag__name").values_list(customer, "tag__name"),
        Order.objects.order_by("external_id").values_list(
            "external_id", customer, "placed_at", "status", "channel", "currency", "total"
        ),
        OrderLine.objects.order_by("order__external_id", "product__sku").values_list(
            "order__external_id", "product__sku", "quantity", "unit_price"
        ),
        Interaction.objects.order_by(
            "occurred_at", customer, "organisation__name", "subject", "channel", "direction"
        ).values_list(customer, "organisation__name", "contact__name", "channel", "direction", "subject"),
        ConsentEvent.objects.order_by(customer, "channel", "purpose", "occurred_at").values_list(
            customer, "channel", "purpose", "granted", "occurred_at", "source"
        ),
        Organisation.objects.order_by("name").values_list("name", "kind", "website"),
        OrganisationContact.objects.order_by("organisation__name", "email").values_list(
            "organisation__name", "name", "role", "email", "phone"
        ),
    ]
    return hashlib.sha256(repr([list(query) for query in rows]).encode()).hexdigest()


def wipe_shop():
    # The loyalty programme's rows first: they point at the customers and orders (PROTECT).
    Allocation.objects.all().delete()
    Entry.objects.exclude(reverses=None).delete()
    for model in (
        Entry,
        Account,
        CouponUse,
        Coupon,
        Membership,
        TierChange,
        Tier,
        Card,
        CouponBatch,
        EarnRule,
    ):
        model.objects.all().delete()
    Programme.objects.all().delete()
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    Interaction.objects.all().delete()
    Organisation.objects.all().delete()
    Customer.objects.all().delete()
    Product.objects.all().delete()
    Tag.objects.all().delete()


def orders_per_customer():
    counts = Counter(Order.objects.values_list("customer_id", flat=True))
    return [counts[pk] for pk in Customer.objects.values_list("pk", flat=True)]


def test_refuses_a_database_that_already_holds_customers():
    Customer.objects.create(display_name="Somchai Existing")

    with pytest.raises(CommandError, match="already holds 1 customers.*--add"):
        call_command("demo", country="VN", customers=50, seed=1)

    assert Customer.objects.count() == 1
    assert not Order.objects.exists()
    assert not Product.objects.exists()
    assert not Organisation.objects.exists()
    assert get_workspace().name != "Hạt Mộc – Cà phê & Trà"


def test_add_puts_demo_customers_beside_existing_ones():
    generate_shop("VN", 100, seed=1, now=NOW)
    orders_before = Order.objects.count()

    call_command("demo", "--add", country="VN", customers=50, seed=2, stdout=StringIO())

    assert Customer.objects.count() == 150
    assert ExternalId.objects.filter(source="demo-pos").values("value").distinct().count() == 150
    assert Order.objects.count() > orders_before
    assert Product.objects.count() == 39  # the catalogue is reused, not duplicated


def test_same_seed_makes_the_same_shop():
    generate_shop("TR", 300, seed=7, now=NOW)
    first = shop_digest()
    wipe_shop()

    generate_shop("TR", 300, seed=7, now=NOW)

    assert shop_digest() == first


def test_different_seeds_make_different_shops():
    generate_shop("TR", 300, seed=7, now=NOW)
    names_seed_7 = list(Customer.objects.order_by("pk").values_list("display_name", flat=True))
    first = shop_digest()
    wipe_shop()

    generate_shop("TR", 300, seed=8, now=NOW)

    assert shop_digest() != first
    assert list(Customer.objects.order_by("pk").values_list("display_name", flat=True)) != names_seed_7


def test_vietnamese_surnames_follow_real_frequencies():
    generate_shop("VN", 2000, seed=3, now=NOW)

    surnames = Counter(Customer.objects.values_list("family_name", flat=True))

    assert 0.28 <= surnames["Nguyễn"] / 2000 <= 0.45
    assert [name for name, _count in surnames.most_common(3)] == ["Nguyễn", "Trần", "Lê"]


def test_vietnamese_names_read_family_middle_given():
    generate_shop("VN", 200, seed=3, now=NOW)

    for display, given, family in Customer.objects.values_list("display_name", "given_name", "family_name"):
        assert display == f"{family} {given}"
        assert len(given.split()) == 2  # middle name and given name


def test_turkish_top_surnames_include_yilmaz():
    generate_shop("TR", 600, seed=4, now=NOW)

    surnames = Counter(Customer.objects.values_list("family_name", flat=True))

    assert "Yılmaz" in [name for name, _count in surnames.most_common(5)]
    assert any(set(name) & set("şğıİçöüŞÇÖÜ") for name in surnames)


def test_thai_display_names_are_in_thai_script_with_latin_email_addresses():
    generate_shop("TH", 200, seed=5, now=NOW)

    assert all(THAI_SCRIPT.search(name) for name in Customer.objects.values_list("display_name", flat=True))
    addresses = list(ContactPoint.objects.filter(kind="email").values_list("value", flat=True))
    assert addresses
    assert all(re.fullmatch(r"[a-z0-9._]+@[a-z0-9.]+", address) for address in addresses)


@pytest.mark.parametrize("country", ["TH", "VN", "TR", "PH"])
def test_phones_are_valid_mobile_numbers_of_the_country_in_e164(country):
    generate_shop(country, 150, seed=6, now=NOW)

    phones = list(ContactPoint.objects.filter(kind="phone").values_list("normalised", "value"))
    assert len(phones) > 100
    for e164, raw in phones:
        number = phonenumbers.parse(e164)
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.region_code_for_number(number) == country
        assert e164 == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        assert normalise_phone(raw, country) == e164
    assert len({raw for _e164, raw in phones if not raw.startswith("+")}) > 50  # local forms, as typed


def test_vnd_totals_are_whole_dong_of_a_realistic_size():
    generate_shop("VN", 300, seed=2, now=NOW)

    totals = sorted(Order.objects.values_list("total", flat=True))

    assert set(Order.objects.values_list("currency", flat=True)) == {"VND"}
    assert all(total == total.to_integral_value() for total in totals)
    assert 100_000 <= totals[len(totals) // 2] <= 3_000_000


def test_every_orders_lines_add_up_to_its_total():
    generate_shop("TR", 300, seed=2, now=NOW)

    line_sums = defaultdict(int)
    line_counts = Counter()
    for order_id, quantity, unit_price in OrderLine.objects.values_list("order_id", "quantity", "unit_price"):
        line_sums[order_id] += quantity * unit_price
        line_counts[order_id] += 1

    orders = list(Order.objects.values_list("pk", "total", "total_base", "exchange_rate"))
    assert orders
    for pk, total, total_base, exchange_rate in orders:
        assert line_sums[pk] == total
        assert 1 <= line_counts[pk] <= 4
        assert (total_base, exchange_rate) == (total, 1)


def test_customers_range_from_one_off_buyers_to_loyal_ones():
    generate_shop("PH", 500, seed=8, now=NOW)

    counts = orders_per_customer()

    assert 0.15 <= counts.count(1) / len(counts) <= 0.6
    assert sum(1 for count in counts if count >= 5) / len(counts) >= 0.05


def test_customers_are_dated_from_their_first_order():
    generate_shop("PH", 200, seed=8, now=NOW)

    first_orders = dict(
        Order.objects.values("customer_id")
        .annotate(first=Min("placed_at"))
        .values_list("customer_id", "first")
    )
    customers = list(Customer.objects.values_list("pk", "created_at"))
    assert all(created <= NOW for _pk, created in customers)
    for pk, created in customers:
        if pk in first_orders:
            assert created == first_orders[pk]
    audits = dict(AuditEvent.objects.filter(action="create").values_list("customer_id", "at"))
    assert audits == dict(customers)


def test_customers_are_adults_with_spread_out_birthdays():
    generate_shop("PH", 300, seed=12, now=NOW)

    birthdays = [day for day in Customer.objects.values_list("birthday", flat=True) if day]

    assert len(birthdays) > 200
    assert all((NOW.date() - day).days >= 18 * 365 for day in birthdays)
    assert Counter(birthdays).most_common(1)[0][1] <= 3


def test_search_text_is_what_the_app_would_write():
    generate_shop("VN", 100, seed=9, now=NOW)

    customers = Customer.objects.prefetch_related("contact_points")
    assert any(customer.chat_points for customer in customers)  # Zalo ids, searchable too
    for customer in customers:
        assert customer.search_text == search_text_of(customer)


def test_consent_in_force_is_each_customers_latest_event():
    generate_shop("TH", 300, seed=10, now=NOW)

    latest = {}
    for event in ConsentEvent.objects.order_by("occurred_at", "pk"):
        latest[(event.customer_id, event.channel, event.purpose)] = event
    consents = {(c.customer_id, c.channel, c.purpose): c for c in Consent.objects.all()}

    assert consents.keys() == latest.keys()
    assert all(consents[key].event_id == event.pk for key, event in latest.items())
    assert any(not consent.granted for consent in consents.values())  # some withdrew later


def test_sets_the_workspace_to_the_shop_and_has_every_kind_of_partner():
    generate_shop("TH", 50, seed=11, now=NOW)

    workspace = get_workspace()
    assert (workspace.country, workspace.currency, workspace.time_zone) == ("TH", "THB", "Asia/Bangkok")
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    assert all(1 <= organisation.contacts.count() <= 3 for organisation in Organisation.objects.all())


def test_json_output_counts_match_the_database():
    out = StringIO()

    call_command("demo", "--json", country="ph", customers=150, seed=3, stdout=out)

    counts = json.loads(out.getvalue())
    assert counts["seconds"] >= 0
    assert counts == {
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "order_lines": OrderLine.objects.count(),
        "interactions": Interaction.objects.count(),
        "organisations": Organisation.objects.count(),
        "contacts": OrganisationContact.objects.count(),
        "consent_events": ConsentEvent.objects.count(),
        "products": Product.objects.count(),
        "points_entries": Entry.objects.count(),
        "coupon_uses": CouponUse.objects.count(),
        "member_cards": Card.objects.count(),
        "seconds": counts["seconds"],
    }


def test_unknown_country_is_refused_with_the_countries_there_are():
    with pytest.raises(CommandError, match="no demo shop for country 'XX'.*PH, TH, TR, VN"):
        call_command("demo", country="XX", customers=10)


@pytest.mark.parametrize("customers", [0, -5, 2_000_001])
def test_customer_count_out_of_range_is_refused(customers):
    with pytest.raises(CommandError, match="1 to 2,000,000 customers"):
        call_command("demo", country="VN", customers=customers)

    assert not Customer.objects.exists()
