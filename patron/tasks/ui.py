"""What tasks adds to pages it does not own: the Tasks panel on the customer page (the
customer's open tasks, why they are worth a call now, and "Add a task") and the "My day" entry
of the menu."""

from django.utils.translation import gettext_lazy as _

from patron.customers.ui import customer_panels
from patron.web import navigation
from patron.web.navigation import NavEntry
from patron.web.panels import Panel


def _tasks(request, customer, **page):
    from patron.tasks.views import customer_tasks_context

    return customer_tasks_context(request, customer)


customer_panels.register(
    Panel("tasks", "tasks/panels/tasks.html", order=45, context=_tasks, permission="tasks.view_task")
)


navigation.register(
    NavEntry(
        "my_day",
        _("My day"),
        "tasks:my_day",
        order=37,  # after Value (30) and Loyalty (35), before Duplicates (40)
        permission="tasks.view_task",
        current_for=("tasks",),
        element_id="nav-my-day",
    )
)
