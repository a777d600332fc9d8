from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "patron.loyalty"
    verbose_name = _("Loyalty")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from patron.loyalty.coupons import give_back_on_cancel
        from patron.sales.events import orders_recorded

        orders_recorded.connect(give_back_on_cancel, dispatch_uid="loyalty.coupons.give_back_on_cancel")

        # Earning: every order path tells the order events (patron.sales.events).
        from patron.loyalty.jobs import orders_imported_earn, orders_recorded_settle
        from patron.sales.events import orders_imported

        orders_recorded.connect(orders_recorded_settle, dispatch_uid="loyalty.orders_recorded_settle")
        orders_imported.connect(orders_imported_earn, dispatch_uid="loyalty.orders_imported_earn")

        # Tiers: evaluated after each order (after the earning above, so a tier by points counts
        # the order's), and the customer filter's tier, points and card (patron.customers.filters).
        from patron.customers.filters import customer_filters
        from patron.loyalty.filters import CUSTOMER_FILTERS as LOYALTY_FILTERS
        from patron.loyalty.tiers import tiers_on_orders

        orders_recorded.connect(tiers_on_orders, dispatch_uid="loyalty.tiers.tiers_on_orders")
        customer_filters.add(*LOYALTY_FILTERS)

        # The nightly review of tiers and its jobs: a worker knows them through this import.
        from patron.loyalty import tier_jobs  # noqa: F401
