"""The staff's feedback pages: sending a survey by hand and recording feedback from the customer
page, the satisfaction tab of the value page, and the settings an Admin changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import require_perm
from patron.customers.selectors import customer_or_404
from patron.feedback.forms import CategoryForm, FeedbackForm, SurveyKindForm, SurveySettingsForm
from patron.feedback.models import FeedbackCategory, SurveyStatus
from patron.feedback.selectors import drifting, months
from patron.feedback.services import (
    MANAGE,
    SETTINGS_FIELDS,
    category_add,
    category_change,
    feedback_record,
    settings_update,
    survey_send,
    survey_settings,
)
from patron.scoring.selectors import latest_run
from patron.web.errors import add_service_errors
from patron.workspace.services import get_workspace

CONTACT = "interactions.add_interaction"


@login_required
@require_POST
def survey_send_view(request, pk):
    require_perm(request.user, CONTACT)
    customer = customer_or_404(pk)
    form = SurveyKindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose NPS or CSAT."))
        return redirect("customers:detail", pk=customer.pk)
    survey = survey_send(
        by=request.user,
        customer=customer,
        kind=form.cleaned_data["kind"],
        reason="hand",
        root_url=request.build_absolute_uri("/"),
    )
    if survey.status == SurveyStatus.SENT:
        messages.success(request, _("Survey sent to %(email)s.") % {"email": survey.email})
    elif survey.status == SurveyStatus.FAILED:
        messages.error(request, _("The mail server refused the survey: see the outbox."))
    else:
        messages.warning(
            request, _("No survey was sent: %(why)s.") % {"why": survey.get_skip_reason_display()}
        )
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_new_view(request, pk):
    require_perm(request.user, CONTACT)
    customer = customer_or_404(pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_record(by=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Feedback recorded."))
            return redirect("customers:detail", pk=customer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "feedback/feedback_form.html", {"form": form, "customer": customer}, status=status)


@login_required
def satisfaction_view(request):
    """The value page's satisfaction tab: NPS and CSAT by month beside churn risk, and the
    satisfied customers who drift away."""
    require_perm(request.user, "scoring.view_customerscore")
    by_month = months()
    chart = {
        "type": "line",
        "labels": [row["month"].strftime("%Y-%m") for row in reversed(by_month)],
        "series": [
            {"label": "NPS", "data": [row["nps"] for row in reversed(by_month)]},
            {"label": _("CSAT: share satisfied"), "data": [row["csat"] for row in reversed(by_month)]},
            {
                "label": _("Share at high churn risk"),
                "data": [row["high_share"] for row in reversed(by_month)],
            },
        ],
        "x": _("Month"),
        "y": "%",
    }
    context = {
        "tab": "satisfaction",
        "run": latest_run(),
        "workspace": get_workspace(),
        "months": by_month,
        "drifting": drifting(),
        "chart": chart,
    }
    return render(request, "feedback/satisfaction.html", context)


def _settings_page(request, form, status=200):
    context = {
        "form": form,
        "categories": FeedbackCategory.objects.all(),
        "category_form": CategoryForm(),
    }
    return render(request, "feedback/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    require_perm(request.user, MANAGE)
    config = survey_settings()
    form = SurveySettingsForm(request.POST or None, instance=config)
    if request.method == "POST":
        if form.is_valid():
            try:
                settings_update(
                    by=request.user, **{name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Survey settings saved."))
                return redirect("feedback:settings")
        return _settings_page(request, form, status=422)
    return _settings_page(request, form)


@login_required
@require_POST
def category_add_view(request):
    require_perm(request.user, MANAGE)
    try:
        category_add(by=request.user, name=request.POST.get("name"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Category added."))
    return redirect("feedback:settings")


@login_required
@require_POST
def category_change_view(request, pk):
    require_perm(request.user, MANAGE)
    category = get_object_or_404(FeedbackCategory, pk=pk)
    active = request.POST.get("is_active")
    try:
        category_change(
            by=request.user,
            category=category,
            name=request.POST.get("name"),
            is_active=None if active is None else active == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Category saved."))
    return redirect("feedback:settings")
