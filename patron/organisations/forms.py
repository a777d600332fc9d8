from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from patron.filtering import FilterForm
from patron.organisations.filters import organisation_filters
from patron.organisations.models import Organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    country = forms.ChoiceField(label=_("Country"), required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=get_user_model().objects.filter(is_active=True)
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]

    def service_values(self):
        values = dict(self.cleaned_data)
        owner = values.pop("owner")
        values["owner_id"] = owner.pk if owner else None
        return values


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)


class OrganisationFilterForm(FilterForm):
    """The organisation list's filters, as declared in patron.organisations.filters."""

    filter_set = organisation_filters
