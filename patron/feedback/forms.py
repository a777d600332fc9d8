from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.feedback.models import FeedbackCategory, FeedbackKind, SurveyKind, SurveySettings
from patron.feedback.services import SETTINGS_FIELDS


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackKind.choices, initial=FeedbackKind.COMPLIMENT)
    category = forms.ModelChoiceField(label=_("Category"), queryset=FeedbackCategory.objects.none())
    text = forms.CharField(
        label=_("What they said"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    link = forms.URLField(
        label=_("Link (a public review)"), required=False, max_length=500, assume_scheme="https"
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = FeedbackCategory.objects.filter(is_active=True)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class SurveyKindForm(forms.Form):
    kind = forms.ChoiceField(choices=SurveyKind.choices)


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = list(SETTINGS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fallback_assignee"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["after_orders_count"].min_value = 1
        self.fields["link_days"].widget.attrs.update(min=1, max=365)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
