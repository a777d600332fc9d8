"""A customer's points on pages of their own: the redeem and adjust forms (posted from the
customer page's loyalty panel, shown again here with their errors) and the full list of
entries. Both forms call the ledger's services, as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from patron.accounts.permissions import require_perm
from patron.customers.selectors import customer_or_404
from patron.loyalty.customer_forms import AdjustForm, RedeemForm
from patron.loyalty.ledger import (
    ADJUST_POINTS,
    REDEEM_POINTS,
    KeyReused,
    NotEnoughPoints,
    points_adjust,
    points_redeem,
)
from patron.loyalty.standing import entries_of, fingerprint, standing_of
from patron.pagination import keyset_page
from patron.web.errors import add_service_errors

ENTRIES_PER_PAGE = 50


def _points(value):
    return number_format(value, force_grouping=True)


@login_required
@require_http_methods(["GET", "POST"])
def redeem_view(request, pk):
    """GET: the redeem form. POST: spend the points (ledger.points_redeem) and go back to the
    customer page, or show the form again with the refusal at its field."""
    require_perm(request.user, REDEEM_POINTS)
    customer = customer_or_404(pk)
    form = RedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        points, reason = form.cleaned_data["points"], " ".join(form.cleaned_data["reason"].split())
        try:
            _entry, created = points_redeem(
                customer=customer,
                points=points,
                key=f"web:{request.user.pk}:{form.cleaned_data['key']}",
                by=request.user,
                reason=reason,
                fingerprint=fingerprint("redeem", customer.pk, points, reason),
            )
        except NotEnoughPoints as exc:
            form.add_error("points", str(exc))
        except KeyReused:
            form.add_error(None, _("This form was already sent with other values: open it again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                said = _("%(points)s points redeemed.")
            else:
                said = _("These %(points)s points were already redeemed.")
            messages.success(request, said % {"points": _points(points)})
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#loyalty")
    return _form_page(request, customer, form, "loyalty/redeem.html")


@login_required
@require_http_methods(["GET", "POST"])
def adjust_view(request, pk):
    """GET: the adjust form (Admins). POST: add or take away points with the reason given
    (ledger.points_adjust), or show the form again with the refusal at its field."""
    require_perm(request.user, ADJUST_POINTS)
    customer = customer_or_404(pk)
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        points, reason = form.cleaned_data["points"], form.cleaned_data["reason"]
        try:
            _entry, created = points_adjust(
                customer=customer,
                points=points,
                key=f"web:{request.user.pk}:{form.cleaned_data['key']}",
                reason=reason,
                by=request.user,
                fingerprint=fingerprint("adjust", customer.pk, points, reason),
            )
        except NotEnoughPoints as exc:
            form.add_error("points", str(exc))
        except KeyReused:
            form.add_error(None, _("This form was already sent with other values: open it again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not created:
                said = _("This adjustment was already recorded.")
            elif points > 0:
                said = _("%(points)s points added.") % {"points": _points(points)}
            else:
                said = _("%(points)s points taken away.") % {"points": _points(-points)}
            messages.success(request, said)
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#loyalty")
    return _form_page(request, customer, form, "loyalty/adjust.html")


def _form_page(request, customer, form, template):
    context = {"customer": customer, "form": form, "standing": standing_of(customer)}
    return render(request, template, context, status=422 if form.is_bound else 200)


@login_required
@require_GET
def entries_view(request, pk):
    """Every entry of the customer's points, newest first, fifty a page."""
    require_perm(request.user, "loyalty.view_entry")
    customer = customer_or_404(pk)
    status = 200
    try:
        page = keyset_page(entries_of(customer), cursor=request.GET.get("cursor"), limit=ENTRIES_PER_PAGE)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        page, status = keyset_page(entries_of(customer), limit=ENTRIES_PER_PAGE), 400
    context = {"customer": customer, "page": page, "standing": standing_of(customer)}
    return render(request, "loyalty/entries.html", context, status=status)
