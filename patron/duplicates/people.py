"""The live customers as the duplicate finder sees them, read in three set-based queries."""

from collections import defaultdict

from patron.customers.contact_kinds import NUMBER_KINDS
from patron.customers.models import ContactKind, ContactPoint, Customer
from patron.duplicates.finder import Person

# Customers have no address field yet: the address is these attributes, joined in this order.
ADDRESS_KEYS = ("address", "street", "city", "postcode")
CHUNK = 5_000


def people_for_matching():
    """Every customer not merged into another, with their e-mail addresses and phones (E.164;
    a WhatsApp number is a phone too)."""
    live = Customer.objects.filter(merged_into__isnull=True)
    points = ContactPoint.objects.filter(customer__merged_into__isnull=True)
    emails = _by_customer(points.filter(kind=ContactKind.EMAIL), "value")
    phones = _by_customer(points.filter(kind__in=sorted(NUMBER_KINDS)), "normalised")
    fields = ("id", "display_name", "given_name", "family_name", "birthday", "country", "attributes")
    for row in live.order_by("id").values_list(*fields, named=True).iterator(chunk_size=CHUNK):
        yield Person(
            id=row.id,
            display_name=row.display_name,
            given_name=row.given_name,
            family_name=row.family_name,
            emails=emails.get(row.id, ()),
            phones=phones.get(row.id, ()),
            birthday=row.birthday,
            country=row.country,
            address=_address(row.attributes),
        )


def _by_customer(queryset, field):
    """customer id -> the values of `field`, primary first."""
    values = defaultdict(list)
    rows = queryset.order_by("customer_id", "-is_primary", "id").values_list("customer_id", field)
    for customer_id, value in rows.iterator(chunk_size=CHUNK):
        values[customer_id].append(value)
    return {customer_id: tuple(found) for customer_id, found in values.items()}


def _address(attributes):
    if not isinstance(attributes, dict):
        return ""
    parts = (str(attributes.get(key) or "").strip() for key in ADDRESS_KEYS)
    return ", ".join(part for part in parts if part)
