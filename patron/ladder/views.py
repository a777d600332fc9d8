"""The ladder's pages: the ladder (a tab of the Value page), its rules, and evidence by hand.

Every member of staff reads them; Admins change the rules, Admins and Marketers record evidence
(services.py says so for the pages and the API alike)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patron.accounts.permissions import require_perm
from patron.customers.models import Customer
from patron.ladder import selectors, services
from patron.ladder.forms import HandEvidenceForm, RuleForm
from patron.ladder.models import RuleChange, Stage
from patron.scoring.selectors import latest_run

VIEW = "customers.view_customer"


def _stage_asked(request):
    code = request.GET.get("from", Stage.CUSTOMER.code)
    try:
        stage = Stage.from_code(code)
    except KeyError:
        raise Http404 from None
    if stage == Stage.PARTNER:
        raise Http404
    return stage


@login_required
def ladder_view(request):
    """The funnel, the moves per month, and who is one step from the next stage."""
    require_perm(request.user, VIEW)
    stage = _stage_asked(request)
    after = request.GET.get("after")
    after = int(after) if after and after.isdigit() else None
    people, more = selectors.one_step(stage, after)
    funnel = selectors.funnel()
    context = {
        "tab": "ladder",
        "run": latest_run(),
        "funnel": funnel,
        "widest": max((row["customers"] for row in funnel), default=0) or 1,
        "months": selectors.months(),
        "stage": stage,
        "next_stage": Stage(stage + 1),
        "next_rule": next((rule for rule in selectors.rules() if rule.stage == stage + 1), None),
        "steps": [s for s in Stage if s != Stage.PARTNER],
        "people": people,
        "more_after": people[-1].pk if more and people else None,
    }
    return render(request, "ladder/ladder.html", context)


@login_required
def rules_view(request, forms=None):
    """The rules, read by all staff; each with its form for Admins; the latest changes."""
    require_perm(request.user, VIEW)
    rules = selectors.rules()
    can_change = services.can_change_rules(request.user)
    forms = forms or {}
    for rule in rules:
        rule.form = forms.get(rule.stage) or (
            RuleForm(
                initial={
                    "codes": rule.codes,
                    "min_count": rule.min_count,
                    "window_months": rule.window_months,
                },
                prefix=f"r{rule.stage}",
            )
            if can_change
            else None
        )
    context = {
        "tab": "ladder",
        "run": latest_run(),
        "rules": rules,
        "can_change": can_change,
        "changes": RuleChange.objects.select_related("changed_by")[:20],
    }
    return render(request, "ladder/rules.html", context, status=400 if forms else 200)


@login_required
@require_POST
def rule_change_view(request, stage):
    if not services.can_change_rules(request.user):
        raise PermissionDenied
    form = RuleForm(request.POST, prefix=f"r{stage}")
    if form.is_valid():
        try:
            services.rule_change(
                by=request.user,
                stage=stage,
                codes=form.cleaned_data["codes"],
                min_count=form.cleaned_data["min_count"],
                window_months=form.cleaned_data["window_months"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Rule saved. Every customer's stage is being derived again."))
            return redirect("ladder:rules")
    return rules_view(request, forms={stage: form})


@login_required
@require_POST
def hand_evidence_view(request, customer_pk):
    customer = get_object_or_404(Customer, pk=customer_pk)
    if not services.can_record(request.user):
        raise PermissionDenied
    form = HandEvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.hand_evidence_record(
                by=request.user,
                customer=customer,
                kind=form.cleaned_data["kind"],
                at=form.moment(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Evidence recorded."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("customers:detail", pk=customer.pk)
