"""The ladder's forms: a rule (Admins), and evidence recorded by hand (Admins and Marketers)."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.ladder import evidence
from patron.ladder.models import MAX_COUNT, MAX_WINDOW_MONTHS, HandEvidence


class RuleForm(forms.Form):
    codes = forms.MultipleChoiceField(label=_("Evidence"), widget=forms.CheckboxSelectMultiple, choices=())
    min_count = forms.IntegerField(label=_("At least"), min_value=1, max_value=MAX_COUNT)
    window_months = forms.IntegerField(
        label=_("Within months"),
        min_value=1,
        max_value=MAX_WINDOW_MONTHS,
        required=False,
        help_text=_("Empty: at any time."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(code, label) for code, label in evidence.codes().items()]


class HandEvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Evidence"), choices=HandEvidence.Kind.choices)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def moment(self):
        """The day typed, at noon in the reader's zone (a day, not an hour, is what is known),
        or now if that is later than now."""
        return min(timezone.make_aware(datetime.combine(self.cleaned_data["day"], time(12))), timezone.now())

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Give the day it happened, today or before."))
        return day
