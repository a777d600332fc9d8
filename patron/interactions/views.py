from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patron.accounts.permissions import require_perm
from patron.customers.selectors import customer_or_404
from patron.interactions.forms import InteractionForm
from patron.interactions.services import interaction_log
from patron.interactions.ui import latest_interactions
from patron.web.errors import add_service_errors
from patron.web.htmx import is_htmx, render_partial


@login_required
@require_http_methods(["GET", "POST"])
def customer_interaction_log_view(request, pk):
    """GET: the form, filled with sensible defaults. POST: log it. Two clicks in all, on the
    customer page (htmx), or on a page of its own without JavaScript."""
    require_perm(request.user, "interactions.add_interaction")
    customer = customer_or_404(pk)
    form = InteractionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interaction_log(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if is_htmx(request):
                context = {
                    "customer": customer,
                    "interactions": latest_interactions(customer),
                    "can_interact": True,
                    "logged": True,
                }
                return render(request, "interactions/_interactions.html", context)
            messages.success(request, _("Interaction logged."))
            return redirect("customers:detail", pk=customer.pk)
    # The form again, with its errors if it was sent: in its own slot on the customer page
    # (not over the history list), or as a page of its own.
    context = {"form": form, "customer": customer}
    sent_by_htmx = request.method == "POST" and is_htmx(request)
    status = 422 if request.method == "POST" and not sent_by_htmx else 200
    response = render_partial(
        request, "interactions/form.html", "interactions/_form.html", context, status=status
    )
    if sent_by_htmx:
        response["HX-Retarget"] = "#interaction-form"
        response["HX-Reswap"] = "innerHTML"
    return response
