"""The programme page (/loyalty/programme/): its settings and earning rules. Admins and
Marketers change them; every other role reads them."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import allowed, require_perm
from patron.loyalty.models import EarnRule
from patron.loyalty.programme import MANAGE, earn_rule_add, earn_rule_remove, programme_get, programme_update
from patron.web.errors import add_service_errors

VIEW = "loyalty.view_programme"


class ProgrammeForm(forms.Form):
    active = forms.BooleanField(label=gettext_lazy("The programme is running"), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    points_per_unit = forms.DecimalField(
        label=gettext_lazy("Points per unit of base currency"),
        min_value=0,
        max_digits=12,
        decimal_places=4,
        help_text=gettext_lazy(
            "0.1 gives 1 point per 10 units spent; points are rounded down to whole points."
        ),
    )
    point_value = forms.DecimalField(
        label=gettext_lazy("Value of one point in base currency"),
        min_value=0,
        max_digits=12,
        decimal_places=4,
    )
    pending_days = forms.IntegerField(
        label=gettext_lazy("Days before earned points can be spent"),
        min_value=0,
        max_value=32767,
        help_text=gettext_lazy("Counted from the order's date: the returns window."),
    )
    expiry_months = forms.IntegerField(
        label=gettext_lazy("Points expire after this many months"),
        min_value=1,
        max_value=32767,
        required=False,
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Or all points expire on this date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave both empty and points never expire."),
    )
    first_purchase_bonus = forms.IntegerField(
        label=gettext_lazy("Bonus points for a first purchase"), min_value=0, max_value=2_000_000_000
    )
    birthday_multiplier = forms.DecimalField(
        label=gettext_lazy("Points multiplier in the birthday month"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    referral_bonus = forms.IntegerField(
        label=gettext_lazy("Bonus points for a referral"),
        min_value=0,
        max_value=2_000_000_000,
        help_text=gettext_lazy("Paid to the referrer when the referred customer's first order completes."),
    )


class RuleForm(forms.Form):
    applies_to = forms.ChoiceField(label=gettext_lazy("Applies to"), choices=EarnRule.Applies.choices)
    value = forms.CharField(label=gettext_lazy("SKU or category"), max_length=100)
    multiplier = forms.DecimalField(
        label=gettext_lazy("Multiplier"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=gettext_lazy("2 earns double points on those lines, 0 none."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_view(request):
    require_perm(request.user, VIEW)
    programme = programme_get()
    can_manage = allowed(request.user, MANAGE)
    form = ProgrammeForm(request.POST if request.method == "POST" else None, initial=_initial(programme))
    if request.method == "POST":
        require_perm(request.user, MANAGE)
        if form.is_valid():
            try:
                programme_update(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Programme saved."))
                return redirect("loyalty:programme")
    return _page(request, form=form, rule_form=RuleForm(), can_manage=can_manage)


@login_required
@require_POST
def rule_add_view(request):
    require_perm(request.user, MANAGE)
    rule_form = RuleForm(request.POST)
    if rule_form.is_valid():
        try:
            earn_rule_add(by=request.user, **rule_form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(rule_form, exc)
        else:
            messages.success(request, _("Earning rule added."))
            return redirect("loyalty:programme")
    programme = programme_get()
    form = ProgrammeForm(initial=_initial(programme))
    return _page(request, form=form, rule_form=rule_form, can_manage=True)


@login_required
@require_POST
def rule_remove_view(request, pk):
    require_perm(request.user, MANAGE)
    if earn_rule_remove(rule=pk, by=request.user):
        messages.success(request, _("Earning rule removed."))
    return redirect("loyalty:programme")


def _initial(programme):
    """The programme's values for the form, numbers without trailing zeros (0.1, not 0.1000)."""
    values = {field: getattr(programme, field) for field in ProgrammeForm.base_fields}
    for field, value in values.items():
        if isinstance(value, Decimal):
            values[field] = value.quantize(1) if value == value.to_integral_value() else value.normalize()
    return values


def _page(request, *, form, rule_form, can_manage):
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "form": form,
        "rule_form": rule_form,
        "rules": EarnRule.objects.order_by("applies_to", "value"),
        "can_manage": can_manage,
    }
    return render(request, "loyalty/programme.html", context)
