from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "patron.tasks"
    label = "tasks"
    verbose_name = _("Tasks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The customer list's "tasks" filter (patron.customers.filters).
        from patron.customers.filters import customer_filters
        from patron.tasks.filters import CUSTOMER_FILTERS

        customer_filters.add(*CUSTOMER_FILTERS)

        # Follow-up rules: a task after each order (patron.tasks.recurrence).
        from patron.sales.events import orders_imported, orders_recorded
        from patron.tasks.jobs import orders_imported_follow_up, orders_recorded_follow_up

        orders_recorded.connect(orders_recorded_follow_up, dispatch_uid="tasks.orders_recorded_follow_up")
        orders_imported.connect(orders_imported_follow_up, dispatch_uid="tasks.orders_imported_follow_up")
