"""The loyalty page (/loyalty/): what the programme owes and how it is used, for every role,
with its export for the finance team (Admins, Marketers and Analysts). Both read the figures
kept (liability_snapshot), which Marketers and Admins may have computed again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patron.accounts.permissions import require_perm
from patron.home import charts
from patron.loyalty import liability, liability_snapshot
from patron.loyalty.liability_export import EXPORT_LIABILITY, csv_bytes, liability_export, xlsx_file
from patron.web.dates import format_month
from patron.web.templatetags.patron import number
from patron.workspace.services import get_workspace

VIEW = "loyalty.view_entry"
SERIES = (("earned", "bar-now"), ("redeemed", "bar-past"), ("expired", "bar-year"))


@login_required
def liability_view(request):
    require_perm(request.user, VIEW)
    workspace = get_workspace()
    kept = liability_snapshot.kept(workspace)
    context = {
        "workspace": workspace,
        "figures": kept.figures,
        "stale": kept.stale,
        "can_refresh": liability_snapshot.may_refresh(request.user),
        "can_export": request.user.has_perm(EXPORT_LIABILITY),
    }
    if kept.figures is not None:
        context.update(_shown(kept.figures))
    return render(request, "loyalty/liability.html", context)


def _shown(figures):
    months = figures.months
    return {
        "currency": figures.currency,
        "points": figures.points,
        "breakage": figures.breakage,
        "min_basis": liability.MIN_BASIS,
        "net": figures.net,
        "months": months,
        "charts": [_chart(name, css, months) for name, css in SERIES],
        "first_month": format_month(months[0].month),
        "last_month": format_month(months[-1].month),
        "rate_tables": [
            ("tier", _with_widths(figures.tiers), _("Redemption by tier")),
            ("segment", _with_widths(figures.segments), _("Redemption by segment")),
        ],
        "rate_months": liability.RATE_MONTHS,
    }


@login_required
@require_POST
def liability_refresh_view(request):
    """A Marketer's or an Admin's request to compute the figures again, in a job."""
    if liability_snapshot.refresh_ask(by=request.user):
        messages.success(request, _("The figures are being worked out again: reload the page in a minute."))
    else:
        messages.info(request, _("The figures are being worked out already: reload the page in a minute."))
    return redirect("loyalty:liability")


def _chart(name, css, months):
    labels = {
        "earned": _("Points earned per month"),
        "redeemed": _("Points redeemed per month"),
        "expired": _("Points expired per month"),
    }
    values = [getattr(month, name) for month in months]
    bars = charts.columns(
        values,
        [
            f"{format_month(month.month)}: {number(value)}"
            for month, value in zip(months, values, strict=True)
        ],
        [css] * len(values),
    )
    return {"name": name, "title": labels[name], "bars": bars, "total": sum(values)}


def _with_widths(rates):
    """Each rate with the width of its bar (a rate above 100% fills the bar)."""
    return [(rate, charts.share(min(rate.rate or 0, 1), 1)) for rate in rates]


@login_required
def liability_export_view(request):
    """The figures as a file: ?format=csv or xlsx."""
    require_perm(request.user, EXPORT_LIABILITY)
    file_format = request.GET.get("format", "")
    try:
        tables = liability_export(file_format=file_format, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("loyalty:liability")
    name = f"loyalty-liability-{timezone.now():%Y%m%d-%H%M}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(csv_bytes(tables), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        xlsx_file(tables),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
