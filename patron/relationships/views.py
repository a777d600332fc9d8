"""Pages: setting a level (from the customer page's panel, or an organisation's level page),
accepting the suggestion, and the playbooks page where an Admin edits each level's steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import require_perm
from patron.customers.selectors import customer_or_404
from patron.organisations.models import Organisation
from patron.relationships.forms import LevelForm, StepForm
from patron.relationships.models import Level, PlaybookEdit, Step
from patron.relationships.playbooks import describe, step_create, step_switch, step_update
from patron.relationships.selectors import level_history, level_of, playbook_runs, playbook_steps
from patron.relationships.services import level_set, suggestion_accept
from patron.relationships.suggestions import suggest
from patron.web.errors import add_service_errors

HISTORY = 20


def level_context(request, *, customer=None, organisation=None):
    """What the level panel draws, for a customer's page or an organisation's."""
    party = {"customer": customer} if customer is not None else {"organisation": organisation}
    kind, pk = ("customer", customer.pk) if customer is not None else ("organisation", organisation.pk)
    current = level_of(**party)
    runs = playbook_runs(customer) if customer is not None else []
    return {
        "playbook_runs": [(run, describe(run.step)) for run in runs],
        "level_kind": kind,
        "level_party": pk,
        "level_current": current,
        "level_suggestion": suggest(**party),
        "level_history": level_history(**party)[:HISTORY],
        "level_form": LevelForm(
            auto_id="id_relationship_%s", initial={"level": current.level if current else Level.BASIC}
        ),
        "can_set_level": request.user.has_perm("relationships.set_level"),
    }


def _party(kind, pk):
    if kind == "customer":
        return {"customer": customer_or_404(pk)}
    if kind == "organisation":
        return {"organisation": get_object_or_404(Organisation, pk=pk)}
    raise Http404


def _back(kind, pk):
    if kind == "customer":
        return redirect("customers:detail", pk=pk)
    return redirect("organisations:detail", pk=pk)


def _errors(request, exc):
    messages.error(request, " ".join(str(m) for m in exc.messages))


@login_required
@require_POST
def level_set_view(request, kind, pk):
    require_perm(request.user, "relationships.set_level")
    party = _party(kind, pk)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return _back(kind, pk)
    try:
        level_set(by=request.user, **form.cleaned_data, **party)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Relationship level set."))
    return _back(kind, pk)


@login_required
@require_POST
def suggestion_accept_view(request, kind, pk):
    require_perm(request.user, "relationships.set_level")
    party = _party(kind, pk)
    try:
        change = suggestion_accept(by=request.user, level=request.POST.get("level") or None, **party)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("Relationship level set to %(level)s.") % {"level": Level(change.level).label}
        )
    return _back(kind, pk)


@login_required
def organisation_level_view(request, pk):
    require_perm(request.user, "organisations.view_organisation", "relationships.view_customerlevel")
    organisation = get_object_or_404(Organisation, pk=pk)
    context = {"organisation": organisation, **level_context(request, organisation=organisation)}
    return render(request, "relationships/organisation.html", context)


def _ids(level):
    """Each level's form on the playbooks page has ids of its own, so each label names its field."""
    return f"id_{level}_%s"


def _playbooks(request, forms=None):
    steps = list(playbook_steps())
    levels = [
        {
            "value": value,
            "label": label,
            "steps": [(step, describe(step)) for step in steps if step.level == value],
            "form": (forms or {}).get(value) or StepForm(auto_id=_ids(value)),
        }
        for value, label in Level.choices
    ]
    context = {
        "levels": levels,
        "switched_off": [(step, describe(step)) for step in playbook_steps(active=False)],
        "edits": PlaybookEdit.objects.select_related("by")[:30],
        "can_edit": request.user.has_perm("relationships.change_step"),
    }
    return render(request, "relationships/playbooks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def playbooks_view(request):
    require_perm(request.user, "relationships.view_step")
    if request.method == "GET":
        return _playbooks(request)
    require_perm(request.user, "relationships.change_step")
    level = request.POST.get("level")
    if level not in Level.values:
        messages.error(request, _("Choose a level."))
        return redirect("relationships:playbooks")
    form = StepForm(request.POST, auto_id=_ids(level))
    if form.is_valid():
        try:
            step_create(by=request.user, level=level, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Step added."))
            return redirect("relationships:playbooks")
    return _playbooks(request, forms={level: form})


@login_required
@require_http_methods(["GET", "POST"])
def step_edit_view(request, pk):
    require_perm(request.user, "relationships.change_step")
    step = get_object_or_404(Step, pk=pk)
    form = StepForm(request.POST or None, initial=StepForm.initial_of(step))
    if request.method == "POST" and form.is_valid():
        try:
            step_update(by=request.user, step=step, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("relationships:playbooks")
    return render(request, "relationships/step.html", {"step": step, "form": form})


@login_required
@require_POST
def step_switch_view(request, pk):
    require_perm(request.user, "relationships.change_step")
    step = get_object_or_404(Step, pk=pk)
    step_switch(by=request.user, step=step, active=request.POST.get("active") == "1")
    messages.success(request, _("Changes saved."))
    return redirect("relationships:playbooks")
