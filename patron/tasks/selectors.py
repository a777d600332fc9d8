from patron.tasks.models import Task


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
