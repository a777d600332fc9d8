"""Recording a sale from the customer page, and changing an order's status there.

Both are pages of their own, which work without JavaScript; htmx narrows the product
suggestions as the user types, and swaps the status form into the customer's orders panel. Both
call the services (patron.sales.services.order_create, patron.sales.status.order_status_change),
whose refusals are shown at their fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from patron.accounts.permissions import require_perm
from patron.customers.selectors import customer_or_404
from patron.sales.forms import MAX_LINES, LineFormSet, OrderForm, StatusForm
from patron.sales.models import Order
from patron.sales.selectors import product_for, product_matches
from patron.sales.services import NO_RATE, LineData, order_create
from patron.sales.status import (
    allowed_changes,
    left_to_return,
    order_status_change,
    order_status_check,
    shown_label,
    with_returned,
)
from patron.web.errors import add_service_errors
from patron.web.htmx import is_htmx, render_partial
from patron.workspace.models import ExchangeRate
from patron.workspace.services import get_workspace

BLANK_LINES = 3
"""Empty lines a new order form starts with; "Add a line" gives one more."""
SUGGESTED = 200
"""Products the form lists as suggestions before anything is typed (and without JavaScript)."""
# A service's error at "lines.N.sku" is about the product the line names.
LINE_FIELDS = {"sku": "product", "quantity": "quantity", "unit_price": "unit_price"}


@login_required
@require_http_methods(["GET", "POST"])
def order_record_view(request, pk):
    """GET: the order form. POST "add_line": the same form with one more line. POST: record it
    through order_create, or show the form again with each refusal at its field."""
    require_perm(request.user, "sales.add_order")
    customer = customer_or_404(pk)
    workspace = get_workspace()
    if request.method == "GET":
        form = OrderForm(currency=workspace.currency)
        lines = LineFormSet(prefix="lines", initial=[{}] * BLANK_LINES)
        return _form_page(request, customer, form, lines)
    if "add_line" in request.POST:
        return _with_another_line(request, customer, workspace)
    form = OrderForm(request.POST, currency=workspace.currency)
    lines = LineFormSet(request.POST, prefix="lines")
    if form.is_valid() and lines.is_valid():
        order = _record(request, customer, form, lines)
        if order is not None:
            messages.success(
                request,
                _("Order %(order)s recorded.") % {"order": order.external_id or f"#{order.pk}"},
            )
            return redirect("customers:detail", pk=customer.pk)
    return _form_page(request, customer, form, lines, status=422)


def _with_another_line(request, customer, workspace):
    """The form as it was sent, unchecked, with one more empty line (at most MAX_LINES)."""
    data = request.POST
    try:
        count = min(int(data.get("lines-TOTAL_FORMS", BLANK_LINES)), MAX_LINES)
    except ValueError:
        count = BLANK_LINES
    kept = [
        {name: data.get(f"lines-{index}-{name}", "") for name in ("product", "quantity", "unit_price")}
        for index in range(count)
    ]
    form = OrderForm(
        currency=workspace.currency,
        initial={
            name: data.get(name)
            for name in ("placed_at", "channel", "currency", "external_id")
            if data.get(name)
        },
    )
    lines = LineFormSet(prefix="lines", initial=kept + [{}] * (count < MAX_LINES))
    return _form_page(request, customer, form, lines)


def _record(request, customer, form, lines):
    """Record the order the forms describe; None (with the errors on the forms) if refused."""
    filled = [line for line in lines.forms if not line.is_blank()]
    if not filled:
        form.add_error(None, _("Add at least one line: a product, its quantity and its unit price."))
        return None
    data = []
    for line in filled:
        product = _product(line)
        if product is not None:
            data.append(
                LineData(
                    sku=product.sku,
                    quantity=line.cleaned_data["quantity"],
                    unit_price=line.cleaned_data["unit_price"],
                )
            )
    if len(data) < len(filled):
        return None
    values = form.cleaned_data
    try:
        return order_create(
            customer=customer,
            placed_at=values["placed_at"],
            channel=values["channel"],
            currency=values["currency"],
            external_id=values["external_id"],
            lines=data,
            by=request.user,
        )
    except ValidationError as exc:
        _show_errors(exc, form, filled)
        return None


def _product(line):
    """The product a line names, or None with the reason at its field."""
    text = line.cleaned_data["product"].strip()
    if not text:
        line.add_error("product", _("Choose a product."))
        return None
    product, count = product_for(text)
    if product is None and count == 0:
        line.add_error("product", _("No product has the SKU or name “%(text)s”.") % {"text": text})
    elif product is None:
        line.add_error(
            "product",
            ngettext(
                "%(count)d product matches “%(text)s”: choose one from the list, or type its SKU.",
                "%(count)d products match “%(text)s”: choose one from the list, or type its SKU.",
                count,
            )
            % {"count": count, "text": text},
        )
    return product


def _show_errors(error, form, filled):
    """Each of the service's errors at its field: "lines.1.quantity" on the second filled line."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for path, errors in error.error_dict.items():
        head, _dot, rest = path.partition(".")
        if head == "lines" and rest:
            index, _dot, field = rest.partition(".")
            filled[int(index)].add_error(LINE_FIELDS.get(field), errors)
        elif head == "currency" and any(e.code == NO_RATE for e in errors):
            form.missing_rate = True
            form.add_error("currency", errors)
        else:
            add_service_errors(form, ValidationError({head: errors}))


def _form_page(request, customer, form, lines, status=200):
    context = {
        "customer": customer,
        "form": form,
        "lines": lines,
        "can_add_line": len(lines.forms) < MAX_LINES,
        "products": product_matches("", limit=SUGGESTED),
        "currencies": _currencies(),
        "rates_url": _rates_url(request, form),
    }
    return render(request, "sales/record.html", context, status=status)


def _currencies():
    """The currencies worth suggesting: the base one, and those with exchange rates."""
    base = get_workspace().currency
    kept = ExchangeRate.objects.order_by("currency").values_list("currency", flat=True).distinct()
    return [base, *(code for code in kept if code != base)]


def _rates_url(request, form):
    """The exchange-rates page, when the order was refused for a missing rate and this user
    keeps the rates; None otherwise (the page says to ask an Admin)."""
    if not getattr(form, "missing_rate", False) or not request.user.has_perm("workspace.change_exchangerate"):
        return None
    try:
        return reverse("workspace:rates")
    except NoReverseMatch:
        return None


@login_required
@require_GET
def product_search_view(request):
    """The product suggestions for what is typed (``q``, or the product field htmx sends),
    as the <datalist> the order form's product fields share."""
    require_perm(request.user, "sales.view_product")
    text = request.GET.get("q")
    if text is None:
        text = next((value for name, value in request.GET.items() if name.endswith("-product")), "")
    return render(request, "sales/_products.html", {"products": product_matches(text)})


@login_required
@require_http_methods(["GET", "POST"])
def order_status_view(request, order_id):
    """Cancel, refund or return an order, behind a confirmation: GET the choices; POST them to
    see what the change will do; POST again with ``confirm`` to make it (order_status_change)."""
    require_perm(request.user, "sales.change_order")
    order = get_object_or_404(with_returned(Order.objects.select_related("customer")), pk=order_id)
    allowed = allowed_changes(order)
    form = StatusForm(request.POST or None, allowed=allowed)
    part = None
    confirming = False
    if request.method == "POST" and form.is_valid():
        status, amount = form.cleaned_data["status"], form.cleaned_data["amount"].strip() or None
        try:
            if request.POST.get("confirm") == "yes":
                order_status_change(order=order, status=status, amount=amount, by=request.user)
                return _changed(request, order, status)
            part = order_status_check(order=order, status=status, amount=amount, by=request.user)
            confirming = True
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {
        "order": order,
        "label": order.external_id or f"#{order.pk}",
        "shown": shown_label(order, order.returned),
        "customer": order.customer,
        "form": form,
        "allowed": allowed,
        "confirming": confirming,
        "part": part,
        "left": left_to_return(order, order.returned),
    }
    # htmx swaps in only answers in the 200s: a refusal it shows comes as 200, as on the
    # interaction form; a page of its own says 422.
    failed = request.method == "POST" and bool(form.errors) and not is_htmx(request)
    return render_partial(
        request, "sales/status.html", "sales/_status.html", context, status=422 if failed else 200
    )


def _changed(request, order, status):
    label = order.external_id or f"#{order.pk}"
    said = {
        "cancelled": _("Order %(order)s cancelled."),
        "refunded": _("Order %(order)s refunded."),
        "returned": _("Return of order %(order)s recorded."),
    }[status]
    messages.success(request, said % {"order": label})
    url = reverse("customers:detail", args=[order.customer_id])
    if is_htmx(request):
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)
