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
from patron.customers.forms import ConsentForm, CustomerFilterForm, CustomerForm, EraseForm
from patron.customers.models import ContactKind, Customer
from patron.customers.selectors import customer_list, customer_with_identities, with_contact_summary
from patron.customers.services import consent_record, customer_create_or_attach, customer_update
from patron.customers.ui import customer_panels
from patron.web.errors import add_service_errors
from patron.web.lists import filtered_page, list_response
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
# A match on a chat id (identity.find_existing names its kind).
MATCHED_CHAT_ID = gettext_lazy(
    "%(name)s already has this %(kind)s id: the new details were added to their record."
)


def _get_customer(pk):
    try:
        return customer_with_identities(pk)
    except Customer.DoesNotExist as exc:
        raise Http404(_("No such customer.")) from exc


@login_required
def customer_list_view(request):
    require_perm(request.user, "customers.view_customer")
    context = filtered_page(
        request,
        CustomerFilterForm,
        lambda selection: customer_list(selection).select_related("score"),
        limit=PAGE_SIZE,
        prepare=with_contact_summary,
    )
    context["workspace"] = get_workspace()
    return list_response(
        request, page="customers/list.html", results="customers/_results.html", context=context
    )


@login_required
def customer_detail_view(request, pk):
    require_perm(request.user, "customers.view_customer")
    customer = _get_customer(pk)
    workspace = get_workspace()
    context = {
        "customer": customer,
        "workspace": workspace,
        # Each app's panels (patron.customers.ui), this app's own among them.
        "panels": customer_panels.shown(request, customer, workspace=workspace),
        "can_change": request.user.has_perm("customers.change_customer"),
        "can_export": request.user.has_perm(EXPORT_CUSTOMER),
        "can_erase": request.user.has_perm(ERASE_CUSTOMER) and not customer.erased_at,
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


def _matched_message(matched_on, customer):
    if matched_on in MATCHED_MESSAGES:
        return MATCHED_MESSAGES[matched_on] % {"name": customer.display_name}
    return MATCHED_CHAT_ID % {"name": customer.display_name, "kind": ContactKind(matched_on).label}


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
                messages.info(request, _matched_message(matched_on, customer))
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
