"""The customer page's panels registry, the customers app's own panels and its menu entry.

Other apps add their panels to `customer_panels` in their own ui.py, so that this app imports
none of them and its templates name none of their templates (see patron.web.panels).
"""

from django.utils.translation import gettext_lazy as _

from patron.customers.forms import ConsentForm
from patron.web import navigation
from patron.web.navigation import NavEntry
from patron.web.panels import Panel, Panels

customer_panels = Panels("customer page")


def _consents(request, customer, **page):
    return {
        "consents": customer.consents.order_by("channel", "purpose"),
        "consent_history": customer.consent_events.select_related("recorded_by")[:50],
        "consent_form": ConsentForm(),
        "can_consent": request.user.has_perm("customers.add_consentevent"),
    }


def _history(request, customer, **page):
    return {"audit": customer.audit_events.select_related("actor")[:30]}


customer_panels.register(Panel("profile", "customers/panels/profile.html", order=10))
customer_panels.register(Panel("contact", "customers/panels/contact.html", order=20))
customer_panels.register(
    Panel("consents", "customers/panels/consents.html", order=50, context=_consents, wide=True)
)
customer_panels.register(
    Panel("history", "customers/panels/history.html", order=90, context=_history, wide=True)
)

# The interaction form's and the order form's own pages are a customer's pages too.
navigation.register(
    NavEntry(
        "customers",
        _("Customers"),
        "customers:list",
        order=10,
        current_for=("customers", "interactions", "sales"),
    )
)
