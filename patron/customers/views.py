from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import require_perm
from patron.customers.bulk import RUN_NOW, bulk_change, bulk_targets
from patron.customers.counting import count_matches
from patron.customers.erasure import ERASE_CUSTOMER, customer_erase
from patron.customers.export import EXPORT_CUSTOMER, customer_export
from patron.customers.forms import BulkForm, ConsentForm, CustomerFilterForm, CustomerForm, EraseForm
from patron.customers.list_export import EXPORT_LIST, csv_chunks, list_export, xlsx_file
from patron.customers.models import ContactKind, Customer, ListAction
from patron.customers.selectors import (
    customer_list,
    customer_matches,
    customer_with_identities,
    with_contact_summary,
)
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
        lambda selection: customer_list(selection).select_related("score", "owner"),
        limit=PAGE_SIZE,
        prepare=with_contact_summary,
    )
    context["workspace"] = get_workspace()
    if context["page"] is not None:
        count = count_matches(customer_matches(context["form"].selection()))
        context |= {
            "count": count,
            "count_sentence": count_sentence(count),
            "query": _filter_query(request.GET),
            "can_export": request.user.has_perm(EXPORT_LIST),
            "can_change": request.user.has_perm("customers.change_customer"),
        }
        if context["can_change"]:
            context["bulk_form"] = BulkForm(
                initial={"query": context["query"], "scope": "chosen"},
                all_label=scope_label(count),
                auto_id="bulk_%s",  # beside the filter form's own tag and owner
            )
    return list_response(
        request, page="customers/list.html", results="customers/_results.html", context=context
    )


def count_sentence(count):
    """ "12,345 customers match." or, for an estimate, "About 120,000 customers match." """
    shown = count.shown
    values = {"count": number_format(shown, force_grouping=True)}
    if count.exact:
        return ngettext("%(count)s customer matches.", "%(count)s customers match.", shown) % values
    return ngettext("About %(count)s customer matches.", "About %(count)s customers match.", shown) % values


def scope_label(count):
    """The bulk bar's choice of every match: "All 12,345 customers that match"."""
    shown = number_format(count.shown, force_grouping=True)
    if count.exact:
        return ngettext(
            "The %(count)s customer that matches", "All %(count)s customers that match", count.shown
        ) % {"count": shown}
    return _("All (about %(count)s) customers that match") % {"count": shown}


def _filter_query(query):
    """The list's query string without its page cursor: the filter and the order."""
    query = query.copy()
    query.pop("cursor", None)
    return query.urlencode()


def _list_url(query):
    return f"{reverse('customers:list')}?{query}" if query else reverse("customers:list")


def _selection_of(query):
    """The Selection of a list query string, or ValidationError in one sentence."""
    form = CustomerFilterForm(QueryDict(query))
    if not form.is_valid():
        raise ValidationError(_("Some filters are not valid; showing nothing until they are corrected."))
    return form.selection()


@login_required
def customer_list_export_view(request):
    """The filtered list as a file: ?format=csv or xlsx, and the list's own filters."""
    require_perm(request.user, EXPORT_LIST)
    query = request.GET.copy()
    file_format = query.pop("format", [""])[-1]
    query.pop("cursor", None)
    try:
        _action, rows = list_export(
            selection=_selection_of(query.urlencode()), file_format=file_format, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_list_url(query.urlencode()))
    name = f"customers-{timezone.now():%Y%m%d-%H%M}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        xlsx_file(rows),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def bulk_question(kind, value, count):
    """What the confirmation asks, with the number of customers the change reaches."""
    values = {"value": value, "count": number_format(count, force_grouping=True)}
    if kind == ListAction.Kind.TAG_ADD:
        text = ngettext(
            "Add the tag %(value)s to %(count)s customer?",
            "Add the tag %(value)s to %(count)s customers?",
            count,
        )
    elif kind == ListAction.Kind.TAG_REMOVE:
        text = ngettext(
            "Remove the tag %(value)s from %(count)s customer?",
            "Remove the tag %(value)s from %(count)s customers?",
            count,
        )
    elif value:
        text = ngettext(
            "Make %(value)s the owner of %(count)s customer?",
            "Make %(value)s the owner of %(count)s customers?",
            count,
        )
    else:
        text = ngettext(
            "Leave %(count)s customer without an owner?", "Leave %(count)s customers without an owner?", count
        )
    return text % values


@login_required
@require_POST
def customer_bulk_view(request):
    """A change to many customers, in two steps: the page first says how many it reaches and
    asks to confirm; the confirmed form makes it (at once, or queued when there are many)."""
    require_perm(request.user, "customers.change_customer")
    form = BulkForm(request.POST)
    query = request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(_list_url(query))
    data = form.cleaned_data
    try:
        target = {"ids": data["ids"]} if data["scope"] == "chosen" else {"selection": _selection_of(query)}
        if not request.POST.get("confirmed"):
            count = bulk_targets(**target).count()
            question = bulk_question(data["action"], form.value, count)
            context = {
                "form": form,
                "question": question,
                "count": count,
                "queued": count > RUN_NOW,
                "back": _list_url(query),
            }
            return render(request, "customers/bulk_confirm.html", context)
        action = bulk_change(kind=data["action"], value=form.value, by=request.user, **target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_list_url(query))
    if action.status == ListAction.Status.DONE:
        messages.success(
            request,
            _("Done: %(changed)s of %(matched)s customers changed; the others were so already.")
            % {
                "changed": number_format(action.changed, force_grouping=True),
                "matched": number_format(action.matched, force_grouping=True),
            },
        )
    else:
        messages.info(
            request,
            _("Queued: %(count)s customers will be changed in the background, in batches.")
            % {"count": number_format(action.matched, force_grouping=True)},
        )
    return redirect(_list_url(query))


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
