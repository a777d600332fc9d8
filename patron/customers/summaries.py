"""Read-only: cheap signs that the customers changed, for figures kept between requests (the
home page's)."""

from patron.customers.models import Customer


def latest_customer_id() -> int:
    """The newest customer's id (0 without customers), from the primary key."""
    return Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def merged_count() -> int:
    """Records merged into another (an index on merged_into counts them)."""
    return Customer.objects.filter(merged_into__isnull=False).count()
