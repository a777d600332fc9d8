from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "patron.home"
    verbose_name = _("Home")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The customer list filters by purchases, so each figure links to the customers it counts.
        from patron.customers.filters import customer_filters
        from patron.home.filters import CUSTOMER_FILTERS

        customer_filters.add(*CUSTOMER_FILTERS)

        # Orders recorded or changed: the figures kept are out of date (see figures.py).
        from patron.home.figures import forget
        from patron.sales.events import orders_imported, orders_recorded

        orders_recorded.connect(forget, dispatch_uid="home.forget_recorded")
        orders_imported.connect(forget, dispatch_uid="home.forget_imported")
