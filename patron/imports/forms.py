from django import forms
from django.utils.translation import gettext_lazy as _

DATE_ORDERS = [
    ("", _("Detect")),
    ("dmy", _("Day first (25/03/2024)")),
    ("mdy", _("Month first (03/25/2024)")),
    ("ymd", _("Year first (2024/03/25)")),
]
CALENDARS = [("", _("Detect")), ("gregorian", _("Gregorian (2024)")), ("buddhist", _("Buddhist era (2567)"))]
ENCODINGS = [
    ("", _("Detect")),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp874", _("Windows-874 / TIS-620 (Thai)")),
    ("cp1258", _("Windows-1258 (Vietnamese)")),
    ("cp1254", _("Windows-1254 (Turkish)")),
    ("cp1252", _("Windows-1252 (Western)")),
]
KINDS = {"customers": _("Customers"), "orders": _("Orders")}
FIELD_LABELS = {
    "external_id": _("Customer ID"),
    "display_name": _("Name"),
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "line_id": _("LINE user id"),
    "zalo_id": _("Zalo user id"),
    "viber_id": _("Viber user id"),
    "whatsapp": _("WhatsApp number"),
    "country": _("Country"),
    "birthday": _("Birthday"),
    "gender": _("Gender"),
    "tags": _("Tags"),
    "locale": _("Language"),
    "order_id": _("Order number"),
    "customer_external_id": _("Customer ID"),
    "customer_name": _("Customer name"),
    "customer_phone": _("Customer phone"),
    "customer_email": _("Customer e-mail"),
    "placed_at": _("Order date"),
    "status": _("Status"),
    "channel": _("Sales channel"),
    "currency": _("Currency"),
    "total": _("Amount"),
    "order_total": _("Order total"),
    "sku": _("SKU"),
    "product_name": _("Product"),
    "category": _("Category"),
    "quantity": _("Quantity"),
    "unit_price": _("Unit price"),
    "is_return": _("Return"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    source = forms.CharField(
        label=_("Source"),
        max_length=50,
        initial="file",
        help_text=_(
            "The system the file comes from, such as pos or shopee: its ids and columns are kept per source."
        ),
    )
    country = forms.ChoiceField(label=_("The file's country"), required=False)
    encoding = forms.ChoiceField(label=_("Text encoding"), choices=ENCODINGS, required=False)
    date_order = forms.ChoiceField(label=_("Dates"), choices=DATE_ORDERS, required=False)
    calendar = forms.ChoiceField(label=_("Years"), choices=CALENDARS, required=False)

    def __init__(self, *args, kinds=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, KINDS[kind]) for kind in kinds]
        self.fields["country"].choices = [("", _("The workspace's")), *countries]


# What becomes of a column mapped to no field: a customer keeps it, an order has no place for it.
UNMAPPED = {"customers": _("Keep as a custom attribute"), "orders": _("Not imported")}


class StartForm(forms.Form):
    """The preview's choices: a field for each column offered (``map-<index in the file>``), date
    order and calendar, and in a file too wide for the page, one more ``column`` named with its
    ``field``."""

    date_order = forms.ChoiceField(label=_("Dates"), choices=DATE_ORDERS, required=False)
    calendar = forms.ChoiceField(label=_("Years"), choices=CALENDARS, required=False)
    column = forms.CharField(label=_("Another column"), required=False)
    field = forms.ChoiceField(label=_("Its field"), required=False)

    def __init__(self, *args, kind="customers", choices=(), shown=0, fields=(), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = {index: column for index, column in choices}
        self.shown = shown
        options = [("", UNMAPPED[kind]), *((f, FIELD_LABELS.get(f, f)) for f in fields)]
        self.fields["field"].choices = options
        for index, column in self.columns.items():
            # Named by aria-label in the preview's table: a hidden label positioned out of the
            # table's scrolling box would widen the page.
            self.fields[f"map-{index}"] = forms.ChoiceField(
                label=column,
                choices=options,
                required=False,
                initial=(mapping or {}).get(column, ""),
                widget=forms.Select(attrs={"aria-label": column}),
            )

    def mapping(self):
        return {column: self.cleaned_data[f"map-{index}"] for index, column in self.columns.items()}

    def column_fields(self):
        """The choosers of the columns shown in the preview's table, in its order."""
        return [self[f"map-{index}"] for index in self.columns if index < self.shown]

    def more_fields(self):
        """The choosers of columns beyond the table: mapped, proposed or ambiguous ones."""
        return [self[f"map-{index}"] for index in self.columns if index >= self.shown]
