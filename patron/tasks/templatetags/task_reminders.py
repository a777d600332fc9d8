"""The reminders fired for the reader, shown on every page (tasks/_reminder_notices.html, included
by the base template): one query a page, on the partial index of notices not yet dismissed."""

from django import template

from patron.tasks.reminders import notices_shown, party_path

register = template.Library()


@register.simple_tag
def reminder_notices(user):
    """The reader's notices not yet dismissed, each with its task and the page to act on it."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        {"pk": notice.pk, "task": notice.reminder.task, "path": party_path(notice.reminder.task)}
        for notice in notices_shown(user)
    ]
