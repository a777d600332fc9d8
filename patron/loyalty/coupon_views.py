"""The coupon pages (Marketers and Admins make batches; every role reads them) and the benefit
card pages: the counter's lookup and the printable card."""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from patron.accounts.permissions import require_perm
from patron.customers.filters import customer_filters
from patron.customers.list_export import csv_chunks
from patron.customers.models import Customer
from patron.filtering import FilterForm
from patron.loyalty.cards import ISSUE, card_find, card_issue, qr_svg, shown_number
from patron.loyalty.coupons import MANAGE, MAX_COUNT, batch_create, codes_read
from patron.loyalty.models import Card, Coupon, CouponBatch
from patron.pagination import keyset_page
from patron.workspace.services import get_workspace

VIEW_COUPONS = "loyalty.view_couponbatch"
VIEW_CARDS = "loyalty.view_card"
DATE_TIME = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}
DATE_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class BatchForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    benefit = forms.CharField(
        label=gettext_lazy("What it gives"),
        max_length=200,
        help_text=gettext_lazy("In words, as the customer reads it: a discount, a free coffee."),
    )
    use = forms.ChoiceField(label=gettext_lazy("Each code may be used"), choices=CouponBatch.Use.choices)
    max_uses = forms.IntegerField(
        label=gettext_lazy("Uses per code"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("For a set number of times; a limit on all uses of a code once per customer."),
    )
    valid_from = forms.DateTimeField(
        label=gettext_lazy("Valid from"),
        required=False,
        widget=forms.DateTimeInput(**DATE_TIME),
        input_formats=DATE_TIME_FORMATS,
    )
    valid_to = forms.DateTimeField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=forms.DateTimeInput(**DATE_TIME),
        input_formats=DATE_TIME_FORMATS,
    )
    min_spend = forms.DecimalField(
        label=gettext_lazy("Minimum spend"), required=False, min_value=0, max_digits=18, decimal_places=4
    )
    count = forms.IntegerField(
        label=gettext_lazy("Codes to generate"), required=False, min_value=1, max_value=MAX_COUNT
    )
    file = forms.FileField(
        label=gettext_lazy("Or import codes from a file"),
        required=False,
        help_text=gettext_lazy("CSV or XLSX: one code a row in the first column, under a header."),
    )


class SegmentForm(FilterForm):
    filter_set = customer_filters


@login_required
def coupons_view(request):
    """The batches, latest first, with their codes and uses; the form to make one."""
    require_perm(request.user, VIEW_COUPONS)
    can_manage = request.user.has_perm(MANAGE)
    form = segment = None
    status = 200
    if can_manage:
        form = BatchForm(request.POST or None, request.FILES or None)
        segment = SegmentForm(request.POST or None, prefix="segment")
    if request.method == "POST":
        require_perm(request.user, MANAGE)
        made = _create(request, form, segment)
        if made:
            messages.success(
                request,
                _("Batch %(name)s made. Codes: %(count)s.")
                % {"name": made.name, "count": f"{made.coupons.count():,}"},
            )
            return redirect("loyalty:coupon_batch", made.pk)
        status = 400
    batches = CouponBatch.objects.annotate(codes=Count("coupons"), uses=Sum("coupons__uses"))
    page = keyset_page(batches, cursor=request.GET.get("cursor"), limit=50)
    context = {"page": page, "form": form, "segment": segment, "currency": get_workspace().currency}
    return render(request, "loyalty/coupons.html", context, status=status)


def _create(request, form, segment):
    """The batch the form asks for, or None with the errors on the form."""
    if not (form.is_valid() and segment.is_valid()):
        return None
    data = form.cleaned_data
    try:
        codes = _read_upload(data["file"]) if data["file"] else ()
        return batch_create(
            name=data["name"],
            benefit=data["benefit"],
            use=data["use"],
            max_uses=data["max_uses"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            min_spend=data["min_spend"],
            segment=segment.selection().to_json(),
            count=data["count"] or 0,
            codes=codes,
            by=request.user,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return None


def _read_upload(upload):
    """The codes of an uploaded file; the file is deleted once read, whatever happens."""
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        path = Path(folder) / "codes"
        with path.open("wb") as file:
            for chunk in upload.chunks():
                file.write(chunk)
        return codes_read(path)


@login_required
def coupon_batch_view(request, pk):
    """A batch's rules and its codes with their uses."""
    require_perm(request.user, VIEW_COUPONS)
    batch = get_object_or_404(CouponBatch, pk=pk)
    codes = Coupon.objects.filter(batch=batch).select_related("customer")
    page = keyset_page(codes, cursor=request.GET.get("cursor"), limit=100)
    totals = codes.aggregate(codes=Count("pk"), all_uses=Sum("uses"), used=Count("pk", filter=Q(uses__gt=0)))
    context = {
        "batch": batch,
        "page": page,
        "totals": totals,
        "segment": _segment_words(batch.segment),
        "currency": get_workspace().currency,
    }
    return render(request, "loyalty/coupons_batch.html", context)


def _segment_words(segment):
    """The batch's segment as "Tag: VIP · Country: TH"."""
    return " · ".join(
        f"{customer_filters.filters[name].label}: {value}"
        for name, value in segment.items()
        if name in customer_filters.filters
    )


@login_required
def coupon_codes_export_view(request, pk):
    """The batch's codes as CSV: code, customer, uses."""
    require_perm(request.user, VIEW_COUPONS)
    batch = get_object_or_404(CouponBatch, pk=pk)
    codes = Coupon.objects.filter(batch=batch).order_by("pk").values_list("code", "customer_id", "uses")
    header = [(_("Code"), _("Customer"), _("Uses"))]
    rows = (*header, *((code, customer or "", uses) for code, customer, uses in codes.iterator()))
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    name = f"coupons-{batch.pk}-{timezone.now():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- benefit cards


@login_required
def card_lookup_view(request):
    """The counter: a member number typed or scanned leads to the member's page."""
    require_perm(request.user, VIEW_CARDS)
    typed = request.GET.get("number", "")
    error, status = "", 200
    if "number" in request.GET:
        try:
            card = card_find(typed)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            if card is not None:
                return redirect("customers:detail", card.customer_id)
            error, status = _("No member has the number %(number)s.") % {"number": typed.strip()[:40]}, 404
    return render(request, "loyalty/card_lookup.html", {"typed": typed, "error": error}, status=status)


@login_required
def card_view(request, number):
    """The card, printable: the shop's name, the member's name, the number and its QR code."""
    require_perm(request.user, VIEW_CARDS)
    card = Card.objects.select_related("customer").filter(number=number).first()
    if card is None:
        raise Http404(_("No member has the number %(number)s.") % {"number": number})
    context = {
        "card": card,
        "shown": shown_number(card.number),
        "qr": qr_svg(card.number),
        "shop": get_workspace().name,
    }
    return render(request, "loyalty/card.html", context)


@login_required
@require_POST
def card_issue_view(request, pk):
    """Give the customer a card (or find the one they have), and show it to print."""
    require_perm(request.user, ISSUE)
    customer = get_object_or_404(Customer, pk=pk)
    try:
        card, _created = card_issue(customer=customer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("customers:detail", pk)
    return redirect("loyalty:card", card.number)
