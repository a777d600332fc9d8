"""The tiers page (/loyalty/tiers/): how tiers are reached, each tier with its members, and a
tier added, changed or deleted (one no customer is or was in). Admins and Marketers change
them; every other role reads them. The services check permissions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from patron.accounts.permissions import allowed, require_perm
from patron.loyalty.models import CouponBatch, Programme, Tier
from patron.loyalty.tiers import (
    MANAGE,
    MAX_MONTHS,
    VIEW,
    programme_read,
    threshold_text,
    tier_create,
    tier_delete,
    tier_list,
    tier_rules_update,
    tier_update,
)
from patron.web.errors import add_service_errors
from patron.workspace.services import get_workspace


class TierForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    threshold = forms.CharField(
        label=gettext_lazy("Reached at"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("The figure of the programme's tier basis, such as 10000 or 1500.50."),
    )
    multiplier = forms.CharField(
        label=gettext_lazy("Points multiplier"),
        max_length=20,
        initial="1",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("Its members earn this many times the points: 1.5 earns half as much again."),
    )
    upgrade_batch = forms.ChoiceField(label=gettext_lazy("Coupon on upgrade"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        batches = CouponBatch.objects.order_by("-created_at").values_list("pk", "name")
        self.fields["upgrade_batch"].choices = [("", _("No coupon")), *batches]


class TierRulesForm(forms.Form):
    basis = forms.ChoiceField(label=gettext_lazy("Tiers are reached by"), choices=Programme.TierBasis.choices)
    months = forms.IntegerField(
        label=gettext_lazy("Qualification period in months"), min_value=1, max_value=MAX_MONTHS
    )


@login_required
@require_http_methods(["GET", "POST"])
def tiers_view(request):
    require_perm(request.user, VIEW)
    programme = programme_read()
    editing = _editing(request)
    posted = request.POST if request.method == "POST" else None
    form = TierForm(None if "rules" in request.POST else posted, initial=_initial(editing), prefix="tier")
    rules = TierRulesForm(
        request.POST if "rules" in request.POST else None,
        initial={"basis": programme.tier_basis, "months": programme.tier_months},
        prefix="rules",
    )
    can_manage = allowed(request.user, MANAGE)
    for field in rules.fields.values():
        field.disabled = not can_manage
    if request.method == "POST":
        require_perm(request.user, MANAGE)
        if "rules" in request.POST:
            if rules.is_valid() and _rules_saved(request, rules):
                return redirect("loyalty:tiers")
        elif "delete" in request.POST:
            return _delete(request, editing)
        elif form.is_valid() and _saved(request, form, editing):
            return redirect("loyalty:tiers")
    currency = get_workspace().currency
    context = {
        "programme": programme,
        "tiers": [(tier, threshold_text(programme, tier, currency)) for tier in tier_list(by=request.user)],
        "form": form,
        "rules": rules,
        "editing": editing,
        "can_manage": can_manage,
    }
    return render(request, "loyalty/tiers.html", context)


def _editing(request):
    """The tier being changed (?edit=<id>, or the form's hidden tier), or None when adding one."""
    pk = request.POST.get("tier") or request.GET.get("edit")
    if not pk:
        return None
    return get_object_or_404(Tier, pk=int(pk) if str(pk).isdigit() else 0)


def _initial(tier):
    if tier is None:
        return {}
    return {
        "name": tier.name,
        "threshold": _plain(tier.threshold),
        "multiplier": _plain(tier.multiplier),
        "upgrade_batch": tier.upgrade_batch_id or "",
    }


def _plain(number):
    """A Decimal as typed: 10000 rather than 10000.0000."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _saved(request, form, editing):
    data = form.cleaned_data
    values = {
        "name": data["name"],
        "threshold": data["threshold"],
        "multiplier": data["multiplier"],
        "upgrade_batch": data["upgrade_batch"] or None,
        "by": request.user,
    }
    try:
        if editing is None:
            tier = tier_create(**values)
            messages.success(request, _("The tier %(name)s was added.") % {"name": tier.name})
        else:
            tier = tier_update(tier=editing, **values)
            messages.success(request, _("The tier %(name)s was changed.") % {"name": tier.name})
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


def _rules_saved(request, rules):
    try:
        data = rules.cleaned_data
        tier_rules_update(basis=data["basis"], months=data["months"], by=request.user)
    except ValidationError as exc:
        add_service_errors(rules, exc)
        return False
    messages.success(request, _("How tiers are reached was changed."))
    return True


def _delete(request, tier):
    if tier is None:
        messages.error(request, _("There is no such tier to delete."))
        return redirect("loyalty:tiers")
    try:
        tier_delete(tier=tier, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{request.path}?edit={tier.pk}")
    messages.success(request, _("The tier %(name)s was deleted.") % {"name": tier.name})
    return redirect("loyalty:tiers")
