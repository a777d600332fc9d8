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
