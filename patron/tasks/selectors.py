"""What the tasks' API and pages read: lists of tasks, "my day" and the team's list."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.models import UserProfile
from patron.accounts.permissions import allowed, require
from patron.scoring.models import CustomerScore
from patron.tasks.models import Task
from patron.workspace.clock import business_zone


def task_list(*, assignee=None, customer=None, status=None, due_before=None, due_after=None):
    """Tasks matching every filter given; ``due_before`` is exclusive, ``due_after`` inclusive."""
    tasks = Task.objects.select_related("assignee", "created_by").prefetch_related("reminders")
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    if customer is not None:
        tasks = tasks.filter(customer=customer)
    if status:
        tasks = tasks.filter(status=status)
    if due_before is not None:
        tasks = tasks.filter(due_at__lt=due_before)
    if due_after is not None:
        tasks = tasks.filter(due_at__gte=due_after)
    return tasks


# "My day" and the team's list (patron/tasks/views.py) read what follows.

# A group of "my day" shows its first 30 tasks, and all of them (up to 500) when asked: the
# page stays quick with a few hundred open tasks a person.
GROUP_LIMIT = 30
GROUP_ALL = 500
TEAM_PERMISSION = "tasks.view_team_tasks"


def user_zone(user):
    """The zone of ``user``'s day: their profile's, else the workspace's."""
    profile = UserProfile.objects.filter(user=user).only("time_zone").first()
    return ZoneInfo(profile.time_zone) if profile and profile.time_zone else business_zone()


def day_bounds(user, now=None):
    """The start of ``user``'s business day holding ``now`` and of the next, in UTC: midnight in
    their zone (a day of 23 or 25 hours where the clocks change)."""
    now = now or timezone.now()
    zone = user_zone(user)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(), zone)
    return start.astimezone(UTC), datetime.combine(today + timedelta(days=1), time(), zone).astimezone(UTC)


@dataclass
class Group:
    """Tasks of one group of "my day": the first few by due time, and how many in all."""

    name: str
    tasks: list
    count: int

    @property
    def more(self):
        return self.count - len(self.tasks)


def _with_subjects(tasks):
    return tasks.select_related("customer", "organisation", "assignee")


def my_day(*, by, now=None, expand=None):
    """``by``'s open tasks in three groups: overdue (due at or before now), today (due later in
    their business day) and upcoming (after it), each by due time, soonest first (overdue: the
    oldest first), GROUP_LIMIT of each (GROUP_ALL of the group named ``expand``). Three index
    range reads of task_my_day and three counts on it."""
    require(by, "tasks.view_task")
    now = now or timezone.now()
    _start, tomorrow = day_bounds(by, now)
    mine = _with_subjects(Task.objects.filter(assignee=by, status=Task.Status.OPEN)).order_by("due_at", "id")
    ranges = {
        "overdue": Q(due_at__lte=now),
        "today": Q(due_at__gt=now, due_at__lt=tomorrow),
        "upcoming": Q(due_at__gte=tomorrow),
    }
    return [
        Group(
            name,
            list(mine.filter(where)[: GROUP_ALL if name == expand else GROUP_LIMIT]),
            mine.filter(where).count(),
        )
        for name, where in ranges.items()
    ]


def customers_to_contact(*, by, limit=10):
    """``by``'s own customers (Customer.owner) ordered by value at risk, highest first: the
    scores with some value at risk, each with its customer and whether an open task is on them
    already. score_value_at_risk gives the order; a few rows of it per owner are read."""
    require(by, "customers.view_customer", "scoring.view_customerscore")
    scores = list(
        CustomerScore.objects.filter(
            customer__owner=by, customer__merged_into__isnull=True, value_at_risk__gt=0
        )
        .select_related("customer")
        .order_by("-value_at_risk", "customer_id")[:limit]
    )
    planned = set(
        Task.objects.filter(
            customer_id__in=[score.customer_id for score in scores], status=Task.Status.OPEN
        ).values_list("customer_id", flat=True)
    )
    for score in scores:
        score.task_planned = score.customer_id in planned
    return scores


def customer_open_tasks(*, by, customer, limit=20):
    """The customer's open tasks by due time (the customer page's Tasks panel)."""
    require(by, "tasks.view_task")
    return list(
        Task.objects.filter(customer=customer, status=Task.Status.OPEN)
        .select_related("assignee")
        .order_by("due_at", "id")[:limit]
    )


def team_allowed(user):
    """Who sees the team's list: Admins, and the team leads, to whom an Admin gave
    ``tasks.view_team_tasks`` (not part of any role's read access, see accounts.roles)."""
    return allowed(user, "tasks.view_task", TEAM_PERMISSION)


TEAM_STATES = ("overdue", "today", "upcoming", "snoozed")


def team_tasks(*, by, assignee=None, state=None, kind=None, customer=None, now=None):
    """Every open task of the team, by due time (the oldest first), narrowed by what is given:
    ``state`` overdue, today (due later in ``by``'s business day), upcoming (after it) or
    snoozed (put off to a time still to come); ``assignee`` a user (or "none" for unassigned)."""
    if not team_allowed(by):
        raise PermissionDenied(_("You do not have permission to do this."))
    now = now or timezone.now()
    tasks = _with_subjects(Task.objects.filter(status=Task.Status.OPEN))
    if assignee == "none":
        tasks = tasks.filter(assignee__isnull=True)
    elif assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    if kind:
        tasks = tasks.filter(kind=kind)
    if customer is not None:
        tasks = tasks.filter(customer=customer)
    if state:
        _start, tomorrow = day_bounds(by, now)
        tasks = tasks.filter(
            {
                "overdue": Q(due_at__lte=now),
                "today": Q(due_at__gt=now, due_at__lt=tomorrow),
                "upcoming": Q(due_at__gte=tomorrow),
                "snoozed": Q(snoozed_until__gt=now),
            }[state]
        )
    return tasks.order_by("due_at", "id")
