"""A customer's points on pages of their own: the redeem and adjust forms (posted from the
customer page's loyalty panel, shown again here with their errors) and the full list of
entries. Both forms go through staff_moves.points_move, as the API does."""

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
from patron.loyalty.ledger import ADJUST_POINTS, REDEEM_POINTS, KeyReused, NotEnoughPoints
from patron.loyalty.staff_moves import points_move
from patron.loyalty.standing import entries_of, standing_of
from patron.pagination import keyset_page
from patron.web.errors import add_service_errors

ENTRIES_PER_PAGE = 50


def _points(value):
    return number_format(value, force_grouping=True)


@login_required
@require_http_methods(["GET", "POST"])
def redeem_view(request, pk):
    """GET: the redeem form. POST: spend the points and go back to the customer page, or show
    the form again with the refusal at its field."""
    require_perm(request.user, REDEEM_POINTS)

    def said(points, created):
        if created:
            return _("%(points)s points redeemed.") % {"points": _points(points)}
        return _("These %(points)s points were already redeemed.") % {"points": _points(points)}

    return _move_view(request, pk, "redeem", RedeemForm, "loyalty/redeem.html", said)


@login_required
@require_http_methods(["GET", "POST"])
def adjust_view(request, pk):
    """GET: the adjust form (Admins). POST: add or take away points with the reason given, or
    show the form again with the refusal at its field."""
    require_perm(request.user, ADJUST_POINTS)

    def said(points, created):
        if not created:
            return _("This adjustment was already recorded.")
        if points > 0:
            return _("%(points)s points added.") % {"points": _points(points)}
        return _("%(points)s points taken away.") % {"points": _points(-points)}

    return _move_view(request, pk, "adjust", AdjustForm, "loyalty/adjust.html", said)


def _move_view(request, pk, kind, form_class, template, said):
    """The form of ``kind`` (staff_moves.points_move) and its answer: ``said(points, created)``
    on the customer page once it is done."""
    customer = customer_or_404(pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        points = form.cleaned_data["points"]
        try:
            _entry, created = points_move(
                kind,
                customer=customer,
                points=points,
                reason=form.cleaned_data["reason"],
                key=f"web:{request.user.pk}:{form.cleaned_data['key']}",
                by=request.user,
            )
        except NotEnoughPoints as exc:
            form.add_error("points", str(exc))
        except KeyReused:
            form.add_error(None, _("This form was already sent with other values: open it again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, said(points, created))
            return redirect(reverse("customers:detail", args=[customer.pk]) + "#loyalty")
    return _form_page(request, customer, form, template)


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
