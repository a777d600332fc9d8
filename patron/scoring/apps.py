from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "patron.scoring"
    verbose_name = _("Customer value")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A scoring after each import of orders (see patron.sales.events).
        from patron.sales.events import orders_imported
        from patron.scoring.jobs import score_imported_orders

        orders_imported.connect(score_imported_orders, dispatch_uid="scoring.score_imported_orders")
