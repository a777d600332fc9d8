from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "patron.scoring"
    verbose_name = _("Customer value")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The customer list filters and sorts by scores; customers imports nothing of scoring.
        from patron.customers.filters import customer_filters
        from patron.scoring.filters import CUSTOMER_FILTERS, CUSTOMER_SORTS

        customer_filters.add(*CUSTOMER_FILTERS)
        customer_filters.add_sort(*CUSTOMER_SORTS)

        # A scoring after each import of orders (see patron.sales.events).
        from patron.sales.events import orders_imported
        from patron.scoring.jobs import score_imported_orders

        orders_imported.connect(score_imported_orders, dispatch_uid="scoring.score_imported_orders")
