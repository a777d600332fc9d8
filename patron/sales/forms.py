"""The order form of the customer page and the form that changes an order's status.

Amounts, quantities, codes and numbers are read as text and checked by the services
(patron.sales.services, patron.sales.status), so that every refusal is the service's own, in the
user's language."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.sales.models import Order

MAX_LINES = 100


class OrderForm(forms.Form):
    placed_at = forms.DateTimeField(
        label=_("Placed"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Order.SalesChannel.choices, initial="store")
    currency = forms.CharField(
        label=_("Currency"),
        widget=forms.TextInput(attrs={"list": "currency-options", "autocomplete": "off", "size": 4}),
    )
    external_id = forms.CharField(label=_("Order number (optional)"), required=False)

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].initial = currency
        # In the user's time zone (the middleware activates it), stored in UTC.
        self.fields["placed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class LineForm(forms.Form):
    product = forms.CharField(
        label=_("Product (name or SKU)"),
        required=False,
        widget=forms.TextInput(attrs={"list": "product-options", "autocomplete": "off"}),
    )
    quantity = forms.CharField(
        label=_("Quantity"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit_price = forms.CharField(
        label=_("Unit price"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def is_blank(self):
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any((data.get(name) or "").strip() for name in self.fields)


LineFormSet = forms.formset_factory(LineForm, extra=0, max_num=MAX_LINES, validate_max=True)


class StatusForm(forms.Form):
    CHOICES = [
        ("cancelled", _("Cancel the order")),
        ("refunded", _("Refund it in full")),
        ("returned", _("Return it: all that is left, or the amount below")),
    ]

    status = forms.ChoiceField(
        label=_("What happened to the order?"), choices=CHOICES, widget=forms.RadioSelect
    )
    amount = forms.CharField(
        label=_("Amount returned (for a partial return)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the changes this order allows are offered; another one sent all the same is
        # refused by the service, with its reason.
        self.fields["status"].widget.choices = [(v, label) for v, label in self.CHOICES if v in allowed]
