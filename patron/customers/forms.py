import json

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from patron.customers.filters import customer_filters
from patron.customers.models import CHAT_KINDS, Channel, Gender, ListAction, Purpose, Tag
from patron.customers.services import CustomerData
from patron.filtering import FilterForm
from patron.workspace.regions import TIME_ZONES


def _lines(text):
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class CustomerFilterForm(FilterForm):
    """The customer list's filters, as declared in patron.customers.filters."""

    filter_set = customer_filters
    # Shown at once; the other filters fold behind "More filters" (open when one of them is set),
    # so that on a phone the first customer is not pushed a screen down.
    MAIN = ("q", "tag", "segment", "sort")

    def main_fields(self):
        return [field for field in self.visible_fields() if field.name in self.MAIN]

    def more_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.MAIN]

    def more_set(self):
        """How many of the folded filters the list is filtered by now."""
        return sum(1 for field in self.more_fields() if field.value() not in (None, ""))


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this person erased?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the customer asked for it by e-mail on 3 May. Kept in the audit trail."),
    )


class CustomerForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to build it from the given and family names."),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the main one."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, local or international form; the first is the main one."),
    )
    contact_points = forms.CharField(
        label=_("Chat ids"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line, as kind: id (line: U4af4980629..., zalo: 2468458835296117922, viber: "
            "01234567890A=, whatsapp: +66812345678); the first of each kind is the main one."
        ),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    locale = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices])
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    attributes = forms.CharField(
        label=_("Attributes (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, countries=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]
        self.fields["locale"].choices = [("", "—"), *languages]
        self.fields["time_zone"].choices = [("", "—")] + [(z, z) for z in TIME_ZONES]
        # Active staff, and the customer's owner of now even if they left (kept unless changed).
        current = self.initial.get("owner")
        self.fields["owner"].choices = [("", "—"), *((name, name) for name in staff_names(also=current))]

    def clean_attributes(self):
        text = self.cleaned_data["attributes"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Attributes must be a JSON object, such as {"vip": true}.'))
        return value

    def clean_contact_points(self):
        """[(kind, value)] from "kind: value" lines; a kind is named by its value or its label."""
        kinds = {kind.value: kind.value for kind in CHAT_KINDS} | {
            str(kind.label).casefold(): kind.value for kind in CHAT_KINDS
        }
        points = []
        for line in (self.cleaned_data["contact_points"] or "").splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            kind = kinds.get(name.strip().casefold())
            if not colon or kind is None:
                raise forms.ValidationError(
                    _("Write each chat id as kind: id, the kind one of %(kinds)s.")
                    % {"kinds": ", ".join(kind.value for kind in CHAT_KINDS)}
                )
            points.append((kind, value.strip()))
        return points

    def to_data(self):
        data = self.cleaned_data
        return CustomerData(
            display_name=data["display_name"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            country=data["country"],
            locale=data["locale"],
            time_zone=data["time_zone"],
            birthday=data["birthday"] or "",  # emptied on the form: cleared
            gender=data["gender"],
            attributes=data["attributes"],
            tags=_lines(data["tags"]),
            # Unchanged: left as it is (an owner who left cannot be chosen again, only kept).
            owner=None if data["owner"] == (self.initial.get("owner") or "") else data["owner"],
            emails=_lines(data["emails"]),
            phones=[p for p in (data["phones"] or "").splitlines() if p.strip()],
            contact_points=data["contact_points"],
        )

    @classmethod
    def initial_for(cls, customer):
        return {
            "display_name": customer.display_name,
            "given_name": customer.given_name,
            "family_name": customer.family_name,
            "emails": "\n".join(p.value for p in customer.email_points),
            "phones": "\n".join(p.normalised for p in customer.phone_points),
            "contact_points": "\n".join(f"{p.kind}: {p.value}" for p in customer.chat_points),
            "country": customer.country,
            "locale": customer.locale,
            "time_zone": customer.time_zone,
            "birthday": customer.birthday,
            "gender": customer.gender,
            "tags": ", ".join(t.name for t in customer.tags.all()),
            "owner": customer.owner.get_username() if customer.owner_id else "",
            "attributes": json.dumps(customer.attributes, ensure_ascii=False) if customer.attributes else "",
        }


class ConsentForm(forms.Form):
    """Nothing is chosen beforehand: a consent is what the customer said, so each choice is made
    by the person recording it, and a form sent as it came records nothing."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Choose a channel")), *Channel.choices],
        error_messages={"required": _("Choose the channel this consent is for.")},
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", _("Choose a purpose")), *Purpose.choices],
        error_messages={"required": _("Choose the purpose this consent is for.")},
    )
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        choices=[("", _("Granted or withdrawn?")), ("yes", _("Granted")), ("no", _("Withdrawn"))],
        error_messages={"required": _("Choose whether the customer granted or withdrew consent.")},
    )
    source = forms.CharField(label=_("Source"), max_length=100, initial="staff")
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


def staff_names(also=None):
    """The user names of active staff, in order, with ``also`` among them when given."""
    field = get_user_model().USERNAME_FIELD
    names = list(
        get_user_model().objects.filter(is_active=True).order_by(field).values_list(field, flat=True)
    )
    if also and also not in names:
        names = sorted([*names, also])
    return names


class _Ids(forms.TypedMultipleChoiceField):
    """Customer ids, any: the service keeps to live customers and refuses too many."""

    def valid_value(self, value):
        return str(value).isdigit() and len(str(value)) < 19


class BulkForm(forms.Form):
    """A change to many customers: to those chosen on the page (``ids``) or to every customer
    the list's filter matches (``query``, the list's query string)."""

    SCOPES = [("chosen", _("The customers chosen below")), ("all", _("Every customer that matches"))]

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (ListAction.Kind.TAG_ADD, _("Add a tag")),
            (ListAction.Kind.TAG_REMOVE, _("Remove a tag")),
            (ListAction.Kind.OWNER, _("Assign an owner")),
        ],
    )
    tag = forms.CharField(
        label=_("Tag"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"list": "bulk-tags", "placeholder": _("Tag")}),
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    scope = forms.ChoiceField(label=_("To"), choices=SCOPES)
    ids = _Ids(label=_("Customers"), required=False, coerce=int)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, all_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("No owner")), *((name, name) for name in staff_names())]
        if all_label:  # "All 12,345 customers that match", on the list page
            self.fields["scope"].choices = [self.SCOPES[0], ("all", all_label)]

    @property
    def tag_names(self):
        return Tag.objects.values_list("name", flat=True)

    def clean(self):
        data = super().clean()
        tag_action = data.get("action") in (ListAction.Kind.TAG_ADD, ListAction.Kind.TAG_REMOVE)
        if tag_action and not (data.get("tag") or "").strip():
            self.add_error("tag", _("Name the tag."))
        if data.get("scope") == "chosen" and not data.get("ids"):
            self.add_error("scope", _("Choose customers in the list, or act on every customer that matches."))
        return data

    @property
    def value(self):
        data = self.cleaned_data
        return data["owner"] if data["action"] == ListAction.Kind.OWNER else data["tag"]
