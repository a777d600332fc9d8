from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.interactions.models import Interaction


class InteractionForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Interaction.Channel.choices, initial="phone")
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Interaction.Direction.choices, initial="outbound"
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
