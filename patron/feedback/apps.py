from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "patron.feedback"
    label = "feedback"
    verbose_name = _("Feedback and surveys")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from patron.customers.filters import customer_filters
        from patron.feedback.evidence import register_evidence
        from patron.feedback.filters import CUSTOMER_FILTERS
        from patron.feedback.jobs import on_orders_recorded, on_task_completed
        from patron.outbox.purposes import register_purpose
        from patron.sales.events import orders_recorded
        from patron.tasks.events import task_completed

        register_purpose("survey", _("survey"))
        customer_filters.add(*CUSTOMER_FILTERS)
        register_evidence()  # the ladder's (patron/ladder/evidence.py)
        orders_recorded.connect(on_orders_recorded, dispatch_uid="feedback.on_orders_recorded")
        task_completed.connect(on_task_completed, dispatch_uid="feedback.on_task_completed")
