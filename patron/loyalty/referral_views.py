"""Referrals on the customer page: who referred this customer, whom they referred and whether
each referral's bonus is paid, and the form that records who referred them
(earning.referral_record, as the API does).

The referrer is picked as the order form picks a product: the field suggests customers as
one types (``referrers_view``, a <datalist> of the customer search), each suggestion naming
the customer and their number, "Somsri Jaidee (#42)". Typed text without a number names the
one customer the search finds.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from patron.accounts.permissions import require_perm
from patron.customers.filters import customer_search
from patron.customers.models import Customer
from patron.customers.selectors import customer_list, customer_or_404
from patron.loyalty.earning import referral_record
from patron.loyalty.models import Referral
from patron.web.errors import add_service_errors

RECORD = "customers.change_customer"
"""Who may record a referral: as the service (earning.referral_record)."""
SUGGESTIONS = 10
SHOWN = 20
"""Referrals made shown on the customer page, newest first."""
PICKED = re.compile(r"\(#(\d{1,18})\)\s*$")


def picked_label(customer):
    """How a suggestion names a customer, and how the form knows which one was picked."""
    return f"{customer.display_name} (#{customer.pk})"


class ReferralForm(forms.Form):
    referrer = forms.CharField(
        label=gettext_lazy("Referred by"),
        max_length=300,
        help_text=gettext_lazy(
            "Type the name, phone or e-mail of the customer who referred them, then pick them."
        ),
    )

    def clean_referrer(self):
        """The Customer named: by the number of a suggestion picked, else the one customer the
        search finds."""
        text = self.cleaned_data["referrer"].strip()
        if match := PICKED.search(text):
            # Merged records too: the service says so in its words.
            found = Customer.objects.filter(pk=int(match[1])).first()
            if found is None:
                raise ValidationError(_("There is no customer number %(number)s.") % {"number": match[1]})
            return found
        found = list(customer_search(customer_list(), text).order_by("pk")[:2])
        if not found:
            raise ValidationError(_("No customer matches “%(text)s”.") % {"text": text})
        if len(found) > 1:
            raise ValidationError(
                _("Several customers match “%(text)s”: pick one from the list.") % {"text": text}
            )
        return found[0]


def referral_panel(request, customer, **page):
    """The customer page's referrals panel (registered in ui.py)."""
    open_record = not customer.merged_into_id and not customer.erased_at
    referred_by = Referral.objects.filter(referred=customer).select_related("referrer", "paid").first()
    made = list(
        Referral.objects.filter(referrer=customer)
        .select_related("referred", "paid")
        .order_by("-pk")[: SHOWN + 1]
    )
    may_record = open_record and referred_by is None and request.user.has_perm(RECORD)
    return {
        "referred_by": referred_by,
        "referrals": made[:SHOWN],
        "more_referrals": len(made) > SHOWN,
        "referral_form": ReferralForm() if may_record else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def referral_view(request, pk):
    """GET: the form. POST: record who referred the customer and go back to the customer page,
    or show the form again with the refusal (referred already, bought already, merged, self)."""
    require_perm(request.user, RECORD)
    customer = customer_or_404(pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referrer = form.cleaned_data["referrer"]
        try:
            referral_record(referrer=referrer, referred=customer, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Referred by %(name)s: recorded.") % {"name": referrer.display_name})
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#referrals")
    context = {"customer": customer, "form": form}
    return render(request, "loyalty/referral.html", context, status=422 if form.is_bound else 200)


@login_required
@require_GET
def referrers_view(request):
    """The customers suggested for what is typed (``q``, or the field htmx sends), as the
    <datalist> of the referral form."""
    require_perm(request.user, "customers.view_customer")
    text = (request.GET.get("q") or request.GET.get("referrer") or "").strip()
    text = PICKED.sub("", text).strip()
    found = (
        customer_search(customer_list(), text).order_by("display_name", "pk")[:SUGGESTIONS] if text else []
    )
    return render(
        request, "loyalty/_referrer_options.html", {"suggestions": [picked_label(c) for c in found]}
    )
