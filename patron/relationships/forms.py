from django import forms
from django.utils.translation import gettext_lazy as _

from patron.relationships.models import Action, Level, SurveyKind, Trigger
from patron.relationships.playbooks import FIELDS
from patron.tasks.models import Task


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    reason = forms.CharField(label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(forms.Form):
    trigger = forms.ChoiceField(label=_("When"), choices=Trigger.choices)
    days = forms.IntegerField(label=_("Days"), min_value=0, max_value=3650, initial=0)
    category = forms.CharField(label=_("Product category"), max_length=100, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=Action.choices)
    task_kind = forms.ChoiceField(
        label=_("Task kind"), choices=[("", "—"), *Task.Kind.choices], required=False
    )
    title = forms.CharField(label=_("Task title"), max_length=200, required=False)
    reminders = forms.CharField(
        label=_("Reminders (minutes before, comma-separated)"), max_length=100, required=False
    )
    survey_kind = forms.ChoiceField(
        label=_("Survey"), choices=[("", "—"), *SurveyKind.choices], required=False
    )
    subject = forms.CharField(label=_("E-mail subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("E-mail text ({name}: the customer's name)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_reminders(self):
        text = self.cleaned_data["reminders"]
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError as exc:
            raise forms.ValidationError(_("Give whole numbers of minutes, separated by commas.")) from exc

    def service_values(self):
        values = dict(self.cleaned_data)
        values["remind_before_minutes"] = values.pop("reminders")
        return values

    @classmethod
    def initial_of(cls, step):
        initial = {name: getattr(step, name) for name in FIELDS if name != "remind_before_minutes"}
        initial["reminders"] = ", ".join(str(m) for m in step.remind_before_minutes)
        return initial
