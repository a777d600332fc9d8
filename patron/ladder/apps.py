from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LadderConfig(AppConfig):
    name = "patron.ladder"
    label = "ladder"
    verbose_name = _("Loyalty ladder")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        # The evidence this app holds or reads from sales, loyalty and organisations.
        import patron.ladder.sources  # noqa: F401
        from patron.customers.filters import customer_filters
        from patron.feedback.events import feedback_recorded
        from patron.ladder import jobs
        from patron.ladder.filters import CUSTOMER_FILTERS
        from patron.loyalty.models import Referral
        from patron.sales.events import orders_imported, orders_recorded

        orders_recorded.connect(jobs.on_orders_recorded, dispatch_uid="ladder.on_orders_recorded")
        orders_imported.connect(jobs.on_orders_imported, dispatch_uid="ladder.on_orders_imported")
        post_save.connect(jobs.on_referral_saved, sender=Referral, dispatch_uid="ladder.on_referral_saved")
        feedback_recorded.connect(jobs.on_feedback_recorded, dispatch_uid="ladder.on_feedback_recorded")
        customer_filters.add(*CUSTOMER_FILTERS)
