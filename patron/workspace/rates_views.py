"""The exchange rates page (Admins): a month of rates, one rate added, changed or deleted, the
gap list, and the import of a rate file with its preview. The services check permissions."""

import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale
from babel.numbers import get_decimal_symbol
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patron.web.dates import format_day
from patron.web.errors import add_service_errors
from patron.workspace.clock import business_today
from patron.workspace.money import CURRENCY_CODES, babel_locale
from patron.workspace.rate_files import (
    BASE_IN_FOREIGN,
    DATE_ORDERS,
    FOREIGN_IN_BASE,
    Cells,
    RateFileError,
    read_cells,
)
from patron.workspace.rate_gaps import rate_gaps
from patron.workspace.rates import (
    latest_month,
    month_rates,
    rate_currencies,
    rate_delete,
    rate_history,
    rate_save,
    rates_import,
    rates_preview,
)
from patron.workspace.services import get_workspace
from patron.workspace.templatetags.rate_tags import month_name

PREVIEW_ROWS = {"problem": 500, "changed": 500, "other": 100}
"""Rates listed in a preview: problems first, then changes, then the others; the counts say
how many there are of each, listed or not."""
TABLE_MAX_AGE = 24 * 3600
"""Seconds a preview's file stays good for saving."""
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _quote_choices(base):
    return [
        (FOREIGN_IN_BASE, _("1 unit of each currency = X %(base)s") % {"base": base}),
        (BASE_IN_FOREIGN, _("1 %(base)s = X units of each currency") % {"base": base}),
    ]


DATE_ORDER_CHOICES = [
    ("", gettext_lazy("Tell from the file")),
    ("dmy", gettext_lazy("Day first (31/12/2026)")),
    ("mdy", gettext_lazy("Month first (12/31/2026)")),
    ("ymd", gettext_lazy("Year first (2026-12-31)")),
]
DECIMAL_CHOICES = [
    ("", gettext_lazy("Tell from the file")),
    (".", gettext_lazy("Point (1,234.5)")),
    (",", gettext_lazy("Comma (1.234,5)")),
]
QUESTIONS = {
    "date_order": gettext_lazy(
        "The dates in this file could be day-first or month-first (such as 03/05/2026): "
        "choose the date order."
    ),
    "date_mixed": gettext_lazy(
        "This file writes some dates day-first and others month-first: choose the date order, "
        "and correct the dates that do not fit it."
    ),
    "decimal": gettext_lazy(
        "Some rates, such as 1,234, could be read with the mark as the decimal sign or as thousands: "
        "choose the decimal sign."
    ),
}


class RateFilterForm(forms.Form):
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), required=False)
    month = forms.CharField(
        label=pgettext_lazy("exchange rates", "Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args, currencies=(), **kwargs):
        super().__init__(*args, auto_id="filter_%s", **kwargs)
        self.fields["currency"].choices = [("", _("All currencies")), *((c, c) for c in currencies)]

    def clean_month(self):
        match = _MONTH.match(self.cleaned_data["month"] or "")
        if not self.cleaned_data["month"]:
            return None
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("Give a month such as 2026-05."))
        return date(int(match[1]), int(match[2]), 1)


class CodeSelect(forms.Select):
    """A select of the 300 currency codes, drawn here: Django's template for each option took
    most of the rates page's time (80 ms)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = str(value or "")
        options = (
            format_html(
                '<option value="{}"{}>{}</option>', code, " selected" if code == chosen else "", label
            )
            for code, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attrs, mark_safe("".join(options)))  # noqa: S308


class RateForm(forms.Form):
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), widget=CodeSelect)
    date = forms.DateField(
        label=pgettext_lazy("exchange rates", "Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rate = forms.CharField(
        label=pgettext_lazy("exchange rates", "Rate"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, base, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "---------"), *((c, c) for c in CURRENCY_CODES if c != base)]
        self.fields["rate"].help_text = _("What 1 unit of the currency is worth in %(base)s on that day.") % {
            "base": base
        }


class ReadingChoices(forms.Form):
    """How to read a rate file: the choices the preview page offers again."""

    quote = forms.ChoiceField(label=gettext_lazy("The rates in the file are"))
    date_order = forms.ChoiceField(
        label=gettext_lazy("Date order"), choices=DATE_ORDER_CHOICES, required=False
    )
    decimal = forms.ChoiceField(label=gettext_lazy("Decimal sign"), choices=DECIMAL_CHOICES, required=False)

    def __init__(self, *args, base, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].choices = _quote_choices(base)
        self.fields["quote"].initial = FOREIGN_IN_BASE
        self.fields["quote"].help_text = _(
            "Rates quoted as 1 %(base)s = X are saved as 1 / X, rounded half to even at 10 decimal places."
        ) % {"base": base}

    def options(self):
        data = self.cleaned_data
        return {
            "date_order": data.get("date_order") if data.get("date_order") in DATE_ORDERS else None,
            "decimal": data.get("decimal") or None,
            "quote": data.get("quote") or FOREIGN_IN_BASE,
        }


class RateUploadForm(ReadingChoices):
    file = forms.FileField(label=gettext_lazy("Rate file (CSV or XLSX)"))
    field_order = ["file", "quote", "date_order", "decimal"]


class RatePreviewForm(ReadingChoices):
    table = forms.CharField(widget=forms.HiddenInput)
    added = forms.IntegerField(widget=forms.HiddenInput, required=False)
    changed = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _salt(user):
    return f"patron.workspace.rates:{user.pk}"


def _sign(cells, user):
    return signing.dumps(cells.to_json(), salt=_salt(user), compress=True)


def _unsign(text, user):
    try:
        return Cells.from_json(signing.loads(text, salt=_salt(user), max_age=TABLE_MAX_AGE))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _user_decimal():
    return get_decimal_symbol(Locale.parse(babel_locale(get_language())))


# --------------------------------------------------------------------------- the rates page


@login_required
@require_http_methods(["GET", "POST"])
def rates_view(request):
    user = request.user
    base = get_workspace().currency
    currencies = rate_currencies(by=user)  # checks the permission first
    filters = RateFilterForm(request.GET or None, currencies=currencies)
    currency = month = None
    if filters.is_bound and filters.is_valid():
        currency, month = filters.cleaned_data["currency"] or None, filters.cleaned_data["month"]
    month = month or latest_month(by=user) or business_today().replace(day=1)
    if not filters.is_bound:
        filters = RateFilterForm(initial={"month": f"{month:%Y-%m}"}, currencies=currencies)

    form = RateForm(request.POST or None, base=base, initial=_edit_initial(request))
    if request.method == "POST":
        if "delete" in request.POST:
            return _delete(request, form)
        if form.is_valid():
            return _save(request, form)
        return _page_again(request, form)
    context = {
        "base": base,
        "filters": filters,
        "form": form,
        "table": month_rates(by=user, month=month, currency=currency),
        "previous": _month_link(request, _shift(month, -1), currency),
        "next": _month_link(request, _shift(month, 1), currency),
        "gaps": gap_list(rate_gaps(by=user)),
        "history": rate_history(by=user),
        "editing": bool(request.GET.get("edit")),
    }
    return render(request, "workspace/rates.html", context)


def _edit_initial(request):
    """The form filled with a rate of the table (its link: ?edit=USD:2026-05-14&rate=...)."""
    edit = request.GET.get("edit", "")
    currency, _sep, day = edit.partition(":")
    if not currency or not day:
        return {}
    return {"currency": currency, "date": day, "rate": request.GET.get("rate", "")}


def _save(request, form):
    data = form.cleaned_data
    try:
        outcome, saved = rate_save(
            currency=data["currency"],
            day=data["date"],
            rate=data["rate"],
            by=request.user,
            decimal=_user_decimal(),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page_again(request, form)
    said = {
        "added": _("The rate of %(currency)s on %(date)s was added."),
        "changed": _("The rate of %(currency)s on %(date)s was changed."),
        "same": _("The rate of %(currency)s on %(date)s was already saved with this value."),
    }[outcome]
    messages.success(request, said % {"currency": saved.currency, "date": format_day(saved.date)})
    return redirect(_month_link(request, saved.date.replace(day=1), None))


def _delete(request, form):
    currency, day = request.POST.get("currency", ""), form.fields["date"].to_python
    try:
        on = day(request.POST.get("date", ""))
    except ValidationError:
        on = None
    if not currency or on is None or not rate_delete(currency=currency, day=on, by=request.user):
        messages.error(request, _("There is no such rate to delete."))
        return redirect("workspace:rates")
    messages.success(
        request,
        _("The rate of %(currency)s on %(date)s was deleted.")
        % {"currency": currency, "date": format_day(on)},
    )
    return redirect(_month_link(request, on.replace(day=1), None))


def _page_again(request, form):
    user = request.user
    month = latest_month(by=user) or business_today().replace(day=1)
    context = {
        "base": get_workspace().currency,
        "filters": RateFilterForm(currencies=rate_currencies(by=user)),
        "form": form,
        "table": month_rates(by=user, month=month),
        "previous": _month_link(request, _shift(month, -1), None),
        "next": _month_link(request, _shift(month, 1), None),
        "gaps": gap_list(rate_gaps(by=user)),
        "history": rate_history(by=user),
        "editing": True,
    }
    return render(request, "workspace/rates.html", context, status=400)


RECENT_MONTHS = 3
"""Months of a currency's gaps listed first; the earlier ones fold into one sentence."""


@dataclass
class GapLine:
    key: str  # for the element's id
    sentence: str
    days: str


def gap_list(gaps):
    """The gap list in sentences, built here rather than in the template: ten years of twenty
    currencies are hundreds of months. Days with orders but no rate come first."""
    orders = [
        GapLine(
            gap.currency,
            ngettext(
                "Orders in %(currency)s were placed on %(count)s day that has no rate",
                "Orders in %(currency)s were placed on %(count)s days that have no rate",
                len(gap.order_days),
            )
            % {"currency": gap.currency, "count": len(gap.order_days)},
            ", ".join(format_day(day) for day in gap.order_days),
        )
        for gap in gaps
        if gap.order_days
    ]
    currencies = []
    for gap in gaps:
        if not gap.months:
            continue
        months = [_month_line(gap.currency, month) for month in gap.months]
        earlier = len(months) - RECENT_MONTHS
        currencies.append(
            {
                "currency": gap.currency,
                "recent": months[:RECENT_MONTHS],
                "earlier": months[RECENT_MONTHS:],
                "earlier_sentence": ngettext(
                    "%(currency)s: %(count)s earlier month with missing rates",
                    "%(currency)s: %(count)s earlier months with missing rates",
                    earlier,
                )
                % {"currency": gap.currency, "count": earlier},
            }
        )
    return {"orders": orders, "currencies": currencies}


def _month_line(currency, month):
    count = len(month.days)
    sentence = ngettext(
        "Rates missing for %(currency)s on %(count)s day in %(month)s",
        "Rates missing for %(currency)s on %(count)s days in %(month)s",
        count,
    ) % {"currency": currency, "count": count, "month": month_name(month.month)}
    days = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in month.runs)
    return GapLine(f"{currency}-{month.month:%Y-%m}", sentence, days)


def _shift(month, months):
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_link(request, month, currency):
    query = f"?month={month:%Y-%m}"
    if currency:
        query += f"&currency={currency}"
    return reverse("workspace:rates") + query


# --------------------------------------------------------------------------- the import


@login_required
@require_http_methods(["GET", "POST"])
def rates_import_view(request):
    user = request.user
    base = get_workspace().currency
    rate_currencies(by=user)  # checks the permission before anything is read
    if request.method == "GET":
        return render(
            request, "workspace/rates_import.html", {"upload": RateUploadForm(base=base), "base": base}
        )
    if "file" in request.FILES or "table" not in request.POST:
        return _upload(request, base)
    form = RatePreviewForm(request.POST, base=base)
    cells = _unsign(request.POST.get("table", ""), user)
    if cells is None or not form.is_valid():
        messages.error(request, _("This preview is too old or was changed; upload the file again."))
        return redirect("workspace:rates_import")
    if "save" in request.POST:
        expected = (form.cleaned_data.get("added") or 0, form.cleaned_data.get("changed") or 0)
        try:
            added, changed = rates_import(cells=cells, by=user, expected=expected, **form.options())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _saved_text(added, changed))
            return redirect("workspace:rates")
    return _preview(request, base, cells, form)


def _upload(request, base):
    upload = RateUploadForm(request.POST, request.FILES, base=base)
    if not upload.is_valid():
        return render(request, "workspace/rates_import.html", {"upload": upload, "base": base}, status=400)
    try:
        cells = _read_upload(upload.cleaned_data["file"])
    except RateFileError as error:
        return _refused(request, base, upload, error)
    form = RatePreviewForm(
        {
            **{k: request.POST.get(k, "") for k in ("quote", "date_order", "decimal")},
            "table": _sign(cells, request.user),
        },
        base=base,
    )
    form.is_valid()
    return _preview(request, base, cells, form)


def _refused(request, base, upload, error):
    context = {"upload": upload, "base": base, "refused": error.message}
    return render(request, "workspace/rates_import.html", context, status=400)


def _read_upload(upload):
    """The cells of an uploaded file; the file is deleted once read, whatever happens."""
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        path = Path(folder) / "rates"
        with path.open("wb") as file:
            for chunk in upload.chunks():
                file.write(chunk)
        return read_cells(path, name=Path(upload.name).name[:200])


def _preview(request, base, cells, form):
    try:
        reading = rates_preview(cells=cells, by=request.user, **form.options())
    except RateFileError as error:
        return _refused(request, base, RateUploadForm(base=base), error)
    kinds = {"problem": [], "changed": [], "other": []}
    for line in reading.lines:
        kinds[line.status if line.status in kinds else "other"].append(line)
    shown = [line for kind, lines in kinds.items() for line in lines[: PREVIEW_ROWS[kind]]]
    form = RatePreviewForm(
        initial={
            "table": form.data.get("table") or _sign(cells, request.user),
            "quote": reading.quote,
            "date_order": reading.date_order or "",
            "decimal": reading.decimal or "",
            "added": reading.added,
            "changed": reading.changed,
        },
        base=base,
    )
    context = {
        "base": base,
        "reading": reading,
        "form": form,
        "questions": [QUESTIONS[q] for q in reading.questions],
        "lines": shown,
        "more": len(reading.lines) - len(shown),
        "counts": _counts(reading),
    }
    return render(request, "workspace/rates_preview.html", context)


def _counts(reading):
    counts = [
        (
            reading.added,
            ngettext("%(count)s rate will be added.", "%(count)s rates will be added.", reading.added),
        ),
        (
            reading.changed,
            ngettext(
                "%(count)s saved rate will change.", "%(count)s saved rates will change.", reading.changed
            ),
        ),
        (
            reading.count("same"),
            ngettext(
                "%(count)s rate is saved already with the same value.",
                "%(count)s rates are saved already with the same value.",
                reading.count("same"),
            ),
        ),
        (
            reading.count("repeated"),
            ngettext(
                "%(count)s rate is given again with the same value and is read once.",
                "%(count)s rates are given again with the same value and are read once.",
                reading.count("repeated"),
            ),
        ),
        (
            reading.problems,
            ngettext("%(count)s rate cannot be read.", "%(count)s rates cannot be read.", reading.problems),
        ),
    ]
    return [sentence % {"count": count} for count, sentence in counts if count]


def _saved_text(added, changed):
    return " ".join(
        (
            ngettext("%(count)s rate added.", "%(count)s rates added.", added) % {"count": added},
            ngettext("%(count)s saved rate changed.", "%(count)s saved rates changed.", changed)
            % {"count": changed},
        )
    )
