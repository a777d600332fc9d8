from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import require_perm
from patron.customers.erasure import ERASE_CUSTOMER, customer_erase
from patron.customers.export import EXPORT_CUSTOMER, customer_export
from patron.customers.forms import ConsentForm, CustomerFilterForm, CustomerForm, EraseForm, InteractionForm
from patron.customers.models import Customer
from patron.customers.selectors import customer_list, customer_with_identities, with_contact_summary
from patron.customers.services import consent_record, customer_create_or_attach, customer_update
from patron.interactions.selectors import interaction_list
from patron.interactions.services import interaction_log
from patron.sales.selectors import purchase_timeline, purchase_totals
from patron.web.errors import add_service_errors
from patron.workspace.regions import country_names
from patron.workspace.services import get_workspace

PAGE_SIZE = 50
MATCHED_MESSAGES = {
    "external_id": gettext_lazy(
        "%(name)s already has this external ID: the new details were added to their record."
    ),
    "email": gettext_lazy(
        "%(name)s already has this e-mail address: the new details were added to their record."
    ),
    "phone": gettext_lazy(
        "%(name)s already has this phone number: the new details were added to their record."
    ),
}


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _get_customer(pk):
    try:
        return customer_with_identities(pk)
    except Customer.DoesNotExist as exc:
        raise Http404(_("No such customer.")) from exc


@login_required
def customer_list_view(request):
    require_perm(request.user, "customers.view_customer")
    form = CustomerFilterForm(request.GET)
    page, error = None, None
    if form.is_valid():
        try:
            selection = form.selection()
            customers = customer_list(selection).select_related("score")
            page = selection.page(customers, cursor=form.cleaned_data["cursor"], limit=PAGE_SIZE)
            with_contact_summary(page.items)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Some filters are not valid; showing nothing until they are corrected.")
    context = {"form": form, "page": page, "error": error, "workspace": get_workspace()}
    template = "customers/_results.html" if _is_htmx(request) else "customers/list.html"
    return render(request, template, context)


@login_required
def customer_detail_view(request, pk):
    require_perm(request.user, "customers.view_customer")
    customer = _get_customer(pk)
    context = {
        "customer": customer,
        "workspace": get_workspace(),
        "consents": customer.consents.order_by("channel", "purpose"),
        "consent_history": customer.consent_events.select_related("recorded_by")[:50],
        "orders": purchase_timeline(customer),
        "totals": purchase_totals(customer),
        "interactions": interaction_list(customer=customer).order_by("-occurred_at", "-id")[:50],
        "audit": customer.audit_events.select_related("actor")[:30],
        "consent_form": ConsentForm(),
        "can_change": request.user.has_perm("customers.change_customer"),
        "can_export": request.user.has_perm(EXPORT_CUSTOMER),
        "can_erase": request.user.has_perm(ERASE_CUSTOMER) and not customer.erased_at,
        "can_consent": request.user.has_perm("customers.add_consentevent"),
        "can_interact": request.user.has_perm("interactions.add_interaction"),
    }
    return render(request, "customers/detail.html", context)


@login_required
def customer_export_view(request, pk):
    """The person's copy of their data, as a JSON file to hand them."""
    document = customer_export(customer=get_object_or_404(Customer, pk=pk), by=request.user)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="customer-{pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def customer_erase_view(request, pk):
    """Erasure behind a confirmation: the page says what goes and what stays, and asks why."""
    require_perm(request.user, ERASE_CUSTOMER)
    customer = get_object_or_404(Customer, pk=pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(customer=customer, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The person's data was erased."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/erase.html", {"form": form, "customer": customer})


def _customer_form(request, data=None, initial=None):
    return CustomerForm(
        data, initial=initial, countries=country_names(get_language()), languages=settings.LANGUAGES
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_create_view(request):
    require_perm(request.user, "customers.add_customer")
    form = _customer_form(request, request.POST or None, initial={"country": get_workspace().country})
    if request.method == "POST" and form.is_valid():
        try:
            customer, matched_on = customer_create_or_attach(data=form.to_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if matched_on:
                messages.info(request, MATCHED_MESSAGES[matched_on] % {"name": customer.display_name})
            else:
                messages.success(request, _("Customer %(name)s added.") % {"name": customer.display_name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit_view(request, pk):
    require_perm(request.user, "customers.change_customer")
    customer = _get_customer(pk)
    form = _customer_form(request, request.POST or None, initial=CustomerForm.initial_for(customer))
    if request.method == "POST" and form.is_valid():
        try:
            customer_update(customer=customer, data=form.to_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@login_required
@require_POST
def consent_record_view(request, pk):
    require_perm(request.user, "customers.add_consentevent")
    customer = _get_customer(pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent_record(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("customers:detail", pk=customer.pk)
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_log_view(request, pk):
    """GET: the form, filled with sensible defaults. POST: log it. Two clicks in all."""
    require_perm(request.user, "interactions.add_interaction")
    customer = _get_customer(pk)
    form = InteractionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interaction_log(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            interactions = interaction_list(customer=customer).order_by("-occurred_at", "-id")[:50]
            if _is_htmx(request):
                return render(
                    request,
                    "customers/_interactions.html",
                    {
                        "customer": customer,
                        "interactions": interactions,
                        "can_interact": True,
                        "logged": True,
                    },
                )
            messages.success(request, _("Interaction logged."))
            return redirect("customers:detail", pk=customer.pk)
    if _is_htmx(request):
        response = render(request, "customers/_interaction_form.html", {"form": form, "customer": customer})
        if request.method == "POST":
            # Errors go back into the form's own slot, not over the history list.
            response["HX-Retarget"] = "#interaction-form"
            response["HX-Reswap"] = "innerHTML"
        return response
    status = 422 if request.method == "POST" else 200
    return render(
        request, "customers/interaction_form.html", {"form": form, "customer": customer}, status=status
    )
