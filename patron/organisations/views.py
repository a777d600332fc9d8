from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import require_perm
from patron.interactions.forms import InteractionForm
from patron.interactions.selectors import interaction_list
from patron.interactions.services import interaction_log
from patron.organisations.forms import ContactForm, OrganisationFilterForm, OrganisationForm
from patron.organisations.models import Organisation
from patron.organisations.selectors import organisation_list
from patron.organisations.services import contact_create, organisation_create, organisation_update
from patron.organisations.ui import organisation_panels
from patron.web.errors import add_service_errors
from patron.web.lists import filtered_page, list_response
from patron.workspace.regions import country_names


@login_required
def organisation_list_view(request):
    require_perm(request.user, "organisations.view_organisation")
    context = filtered_page(request, OrganisationFilterForm, organisation_list)
    return list_response(
        request, page="organisations/list.html", results="organisations/_results.html", context=context
    )


@login_required
def organisation_detail_view(request, pk):
    require_perm(request.user, "organisations.view_organisation")
    organisation = get_object_or_404(Organisation.objects.select_related("owner"), pk=pk)
    context = {
        "organisation": organisation,
        "contacts": organisation.contacts.all(),
        "interactions": interaction_list(organisation=organisation).order_by("-occurred_at", "-id")[:50],
        "contact_form": ContactForm(),
        "interaction_form": InteractionForm(),
        "panels": organisation_panels.shown(request, organisation),
    }
    return render(request, "organisations/detail.html", context)


def _form(data=None, initial=None):
    return OrganisationForm(data, initial=initial, countries=country_names(get_language()))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create_view(request):
    require_perm(request.user, "organisations.add_organisation")
    form = _form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(by=request.user, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit_view(request, pk):
    require_perm(request.user, "organisations.change_organisation")
    organisation = get_object_or_404(Organisation, pk=pk)
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country,
        "website": organisation.website,
        "owner": organisation.owner_id,
        "notes": organisation.notes,
    }
    form = _form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(organisation=organisation, by=request.user, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


def _post_and_report(request, form, action, success):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))


@login_required
@require_POST
def contact_create_view(request, pk):
    require_perm(request.user, "organisations.add_organisationcontact")
    organisation = get_object_or_404(Organisation, pk=pk)
    _post_and_report(
        request,
        ContactForm(request.POST),
        lambda data: contact_create(organisation=organisation, by=request.user, **data),
        _("Contact added."),
    )
    return redirect("organisations:detail", pk=pk)


@login_required
@require_POST
def organisation_interaction_view(request, pk):
    require_perm(request.user, "interactions.add_interaction")
    organisation = get_object_or_404(Organisation, pk=pk)
    _post_and_report(
        request,
        InteractionForm(request.POST),
        lambda data: interaction_log(organisation=organisation, by=request.user, **data),
        _("Interaction logged."),
    )
    return redirect("organisations:detail", pk=pk)
