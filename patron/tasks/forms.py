"""The forms of the tasks' pages: add a task, complete one (with a note), snooze one, and the
team's list's filters. Times typed in are read in the reader's zone (the one the middleware
activates: their profile's, else the workspace's)."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.interactions.models import Interaction
from patron.tasks.models import Task
from patron.tasks.selectors import TEAM_STATES

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
MORNING = time(9)
# The contact a completed task logs, by its kind (a meeting or visit is met in person).
CHANNEL_OF_KIND = {
    Task.Kind.CALL: Interaction.Channel.PHONE,
    Task.Kind.EMAIL: Interaction.Channel.EMAIL,
    Task.Kind.MEETING: Interaction.Channel.IN_PERSON,
    Task.Kind.VISIT: Interaction.Channel.IN_PERSON,
    Task.Kind.OTHER: Interaction.Channel.PHONE,
}
REMINDER_CHOICES = [
    ("", _("No reminder")),
    ("15", _("15 minutes before")),
    ("60", _("1 hour before")),
    ("1440", _("1 day before")),
]


def _moment_field(label, *, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_FORMATS,
    )


def staff_choices():
    users = get_user_model().objects.filter(is_active=True).order_by(get_user_model().USERNAME_FIELD)
    return [(user.pk, user.get_username()) for user in users]


class TaskForm(forms.Form):
    """A task on a customer: what, which kind, when, for whom, reminded when."""

    title = forms.CharField(label=_("What is to be done"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Task.Kind.choices, initial=Task.Kind.CALL)
    due_at = _moment_field(_("Due"))
    assignee = forms.TypedChoiceField(label=_("Assigned to"), coerce=int)
    remind = forms.ChoiceField(label=_("Reminder"), choices=REMINDER_CHOICES, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = staff_choices()
        self.fields["assignee"].initial = user.pk
        self.fields["due_at"].initial = tomorrow_morning()

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "due_at": data["due_at"],
            "assignee": get_user_model().objects.filter(pk=data["assignee"]).first(),
            "notes": data["notes"],
            "remind_before_minutes": [int(data["remind"])] if data["remind"] else [],
        }


class CompleteForm(forms.Form):
    """Done, with an optional note: a note logs the contact in the customer's history."""

    note = forms.CharField(
        label=_("What came of it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def interaction(self, task):
        note = self.cleaned_data["note"].strip()
        if not note:
            return None
        channel = CHANNEL_OF_KIND.get(task.kind, Interaction.Channel.PHONE)
        return {"channel": channel, "direction": Interaction.Direction.OUTBOUND, "body": note}


QUICK_SNOOZES = [
    ("hour", _("In an hour")),
    ("tomorrow", _("Tomorrow morning")),
    ("week", _("Next week")),
]


def tomorrow_morning(now=None):
    """9:00 tomorrow, in the active zone (the reader's)."""
    local = timezone.localtime(now)
    return datetime.combine(local.date() + timedelta(days=1), MORNING, local.tzinfo)


def quick_snooze(choice, now=None):
    """The time a quick choice stands for: in an hour, tomorrow at 9:00, next Monday at 9:00."""
    now = now or timezone.now()
    if choice == "hour":
        return now + timedelta(hours=1)
    if choice == "tomorrow":
        return tomorrow_morning(now)
    local = timezone.localtime(now)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, MORNING, local.tzinfo)


class SnoozeForm(forms.Form):
    quick_choices = QUICK_SNOOZES
    quick = forms.ChoiceField(choices=QUICK_SNOOZES, required=False)
    until = _moment_field(_("Until"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("quick"):
            data["until"] = quick_snooze(data["quick"])
        elif not data.get("until") and "until" not in self.errors:
            self.add_error("until", _("Say until when."))
        return data


def _assignee_choices():
    return [("", _("Anyone")), ("none", _("Nobody")), *((str(pk), name) for pk, name in staff_choices())]


class TeamFilterForm(forms.Form):
    """The team's list's filters: whose, in which state, of which kind, on which customer."""

    STATE_LABELS = {
        "overdue": _("Overdue"),
        "today": _("Today"),
        "upcoming": _("Upcoming"),
        "snoozed": _("Snoozed"),
    }

    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    customer = forms.IntegerField(label=_("Customer number"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _assignee_choices()
        self.fields["state"].choices = [("", _("Any state"))] + [
            (s, self.STATE_LABELS[s]) for s in TEAM_STATES
        ]
        self.fields["kind"].choices = [("", _("Any kind")), *Task.Kind.choices]
