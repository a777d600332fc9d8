"""What tasks add to the one customer filter (TasksConfig.ready adds it): customers with open
tasks, with overdue ones, or with none open. The list page, GET /api/customers and saved
selections read it as they read the others; task_customer indexes it."""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from patron.filtering import ChoiceFilter
from patron.tasks.models import Task

OPEN, OVERDUE, NONE = "open", "overdue", "none"


def _with_tasks(customers, value):
    open_tasks = Task.objects.filter(customer=OuterRef("pk"), status=Task.Status.OPEN)
    if value == NONE:
        return customers.filter(~Exists(open_tasks))
    if value == OVERDUE:
        open_tasks = open_tasks.filter(due_at__lte=timezone.now())
    return customers.filter(Exists(open_tasks))


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "tasks",
        gettext_lazy("Tasks"),
        choices=[
            (OPEN, gettext_lazy("With open tasks")),
            (OVERDUE, gettext_lazy("With overdue tasks")),
            (NONE, gettext_lazy("No open tasks")),
        ],
        empty_label=gettext_lazy("With or without tasks"),
        apply=_with_tasks,
        description=(
            "open: customers with an open task; overdue: with an open task past its due time; "
            "none: with no open task"
        ),
    ),
]
