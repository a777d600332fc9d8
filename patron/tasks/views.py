"""The tasks' pages: "my day" of the signed-in member of staff, the team's list, and the actions
on one task (complete, snooze, cancel, add), each through the services, which check who may.

An action sent by htmx is answered with the task's row (done, snoozed, cancelled, or as it was
with the refusal in words), so the page changes in place; without JavaScript the same forms post
to the same addresses and come back to the page they were sent from, with a message.
"""

from babel.core import Locale
from babel.dates import format_time
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patron.accounts.permissions import allowed
from patron.customers.selectors import customer_or_404
from patron.scoring.models import CustomerScore
from patron.scoring.reasons import call_reason
from patron.tasks.forms import CompleteForm, SnoozeForm, TaskForm, TeamFilterForm
from patron.tasks.models import Task
from patron.tasks.selectors import (
    customer_open_tasks,
    customers_to_contact,
    my_day,
    team_allowed,
    team_tasks,
)
from patron.tasks.services import task_cancel, task_complete, task_create, task_snooze
from patron.web.dates import format_day
from patron.web.errors import add_service_errors
from patron.web.htmx import is_htmx, render_partial
from patron.workspace.money import babel_locale
from patron.workspace.services import get_workspace

TEAM_LIMIT = 100


def _can_change(user):
    return allowed(user, "tasks.change_task")


def due_text(moment):
    """A due time in the reader's zone, language and calendar, to the minute: "Dec 7, 2026, 9:00 AM"."""
    local = timezone.localtime(moment)
    language = babel_locale(get_language())
    joined = str(Locale.parse(language).datetime_formats["medium"]).replace("'", "")
    clock = format_time(local, "short", locale=language)
    return joined.replace("{1}", format_day(local.date())).replace("{0}", clock)


def _rows(request):
    """What every task row needs from its page: /tasks/ (its actions are /tasks/<id>/complete/
    and so on, written by the row itself), and the page to come back to without JavaScript."""
    here = request.POST.get("next", "") if request.method == "POST" else request.get_full_path()
    return {"task_base": reverse("tasks:my_day"), "here": here}


def with_due_text(tasks):
    for task in tasks:
        task.due_text = due_text(task.due_at)
    return tasks


@login_required
@require_GET
def my_day_view(request):
    groups = my_day(by=request.user, expand=request.GET.get("all"))
    for group in groups:
        with_due_text(group.tasks)
    workspace = get_workspace()
    contacts = customers_to_contact(by=request.user)
    for score in contacts:
        score.reason = call_reason(score, workspace.currency)
    context = {
        "groups": groups,
        "contacts": contacts,
        "workspace": workspace,
        "can_change": _can_change(request.user),
        "can_team": team_allowed(request.user),
        "expanded": request.GET.get("all"),
        **_rows(request),
    }
    return render(request, "tasks/my_day.html", context)


@login_required
@require_GET
def team_view(request):
    if not team_allowed(request.user):
        raise PermissionDenied(_("Only Admins and team leads see the team's tasks."))
    form = TeamFilterForm(request.GET)
    tasks, count, error = [], 0, None
    if form.is_valid():
        data = form.cleaned_data
        assignee = data["assignee"] or None
        if assignee and assignee != "none":
            assignee = int(assignee)
        rows = team_tasks(
            by=request.user,
            assignee=assignee,
            state=data["state"] or None,
            kind=data["kind"] or None,
            customer=data["customer"],
        )
        count = rows.count()
        tasks = with_due_text(list(rows[:TEAM_LIMIT]))
    else:
        error = _("Some filters are not valid; showing nothing until they are corrected.")
    context = {"form": form, "tasks": tasks, "count": count, "error": error, "limit": TEAM_LIMIT}
    context |= {**_rows(request), "can_change": _can_change(request.user)}
    return render_partial(request, "tasks/team.html", "tasks/_team_results.html", context, target="results")


def _task(pk):
    return get_object_or_404(Task.objects.select_related("customer", "organisation", "assignee"), pk=pk)


def _back(request):
    """Where a form without JavaScript returns: the page it was sent from, else "my day"."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("tasks:my_day")


def _row(request, task, *, done=None, error=None):
    """The task's row for htmx: ``done`` says what just happened, ``error`` why nothing did."""
    task.due_text = due_text(task.due_at)
    context = {"task": task, "done": done, "error": error, "can_change": _can_change(request.user)}
    context |= _rows(request)
    return render(request, "tasks/_task.html", context)


def _act(request, task, action, done_message):
    """Run ``action()`` (a service call) and answer: the row for htmx, else back with a message.
    A refusal (no permission, or the service's reasons) is said in words, where the task is."""
    try:
        task = action()
    except PermissionDenied as exc:
        error = str(exc) or _("You do not have permission to do this.")
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        if is_htmx(request):
            return _row(request, task, done=done_message)
        messages.success(request, done_message)
        return _back(request)
    if is_htmx(request):
        return _row(request, task, error=error)
    messages.error(request, error)
    return _back(request)


def _form(request, task, form, action):
    """The note or snooze form of one task: in its row's slot for htmx, else a page of its own."""
    context = {"task": task, "form": form, "action": action, "next": request.GET.get("next", "")}
    return render_partial(request, "tasks/task_form.html", "tasks/_task_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_complete_view(request, pk):
    """GET: the form to say what came of it. POST: done (with the note logged, if any)."""
    task = _task(pk)
    if request.method == "GET":
        return _form(request, task, CompleteForm(auto_id=f"task-{task.pk}-%s"), "complete")
    form = CompleteForm(request.POST)
    form.is_valid()  # one optional text field: always valid
    interaction = form.interaction(task)
    return _act(
        request,
        task,
        lambda: task_complete(by=request.user, task=task, interaction=interaction),
        _("Done, and noted in the history.") if interaction else _("Done."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_snooze_view(request, pk):
    """GET: the form with the quick choices and a time of one's own. POST: snoozed."""
    task = _task(pk)
    if request.method == "GET":
        return _form(request, task, SnoozeForm(auto_id=f"task-{task.pk}-%s"), "snooze")
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
        if is_htmx(request):
            return _row(request, task, error=error)
        messages.error(request, error)
        return _back(request)
    until = form.cleaned_data["until"]
    return _act(
        request,
        task,
        lambda: task_snooze(by=request.user, task=task, until=until),
        _("Snoozed."),
    )


@login_required
@require_POST
def task_cancel_view(request, pk):
    task = _task(pk)
    return _act(request, task, lambda: task_cancel(by=request.user, task=task), _("Cancelled."))


@login_required
@require_http_methods(["GET", "POST"])
def task_add_view(request, customer_pk):
    """GET: the form (on a page of its own, or for htmx in the customer's Tasks panel). POST:
    the task, through task_create, which checks who may; then the panel again, or the customer
    page."""
    customer = customer_or_404(customer_pk)
    form = TaskForm(request.POST or None, user=request.user)
    if not allowed(request.user, "tasks.add_task", customer=customer):
        raise PermissionDenied(_("You do not have permission to do this."))
    if request.method == "POST" and form.is_valid():
        try:
            task_create(by=request.user, customer=customer, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if is_htmx(request):
                return render(
                    request, "tasks/_customer_tasks.html", customer_tasks_context(request, customer)
                )
            messages.success(request, _("Task added."))
            return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": customer}
    sent_by_htmx = request.method == "POST" and is_htmx(request)
    status = 422 if request.method == "POST" and not sent_by_htmx else 200
    response = render_partial(request, "tasks/add.html", "tasks/_add_form.html", context, status=status)
    if sent_by_htmx:
        response["HX-Retarget"] = "#task-form"
        response["HX-Reswap"] = "innerHTML"
    return response


def customer_tasks_context(request, customer):
    """What the customer page's Tasks panel shows (patron.tasks.ui), and the add form's answer."""
    score = CustomerScore.objects.filter(customer=customer).first()
    worth = score is not None and bool(score.value_at_risk)
    return {
        "customer": customer,
        "call_reason": call_reason(score, get_workspace().currency) if worth else "",
        "customer_tasks": with_due_text(customer_open_tasks(by=request.user, customer=customer)),
        "can_add_task": allowed(request.user, "tasks.add_task", customer=customer),
        "can_change": _can_change(request.user),
    }
