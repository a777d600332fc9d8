"""The customer page's points forms: a redemption and an Admin's adjustment.

Each form carries a key drawn with it, so that a form sent twice (a double click, a reload)
makes one entry: the ledger's key is the user's and the form's together."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patron.loyalty.staff_moves import MOST_POINTS, points_message

_KEY = re.compile(r"[0-9a-f]{32}")
# Text, not a number field: the points are read by clean_points, which says what it wants.
_NUMBER = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
_REASON = {
    "required": _("Give a reason of 1 to 500 characters."),
    "max_length": _("Give a reason of 1 to 500 characters."),
}


class _PointsForm(forms.Form):
    signed = False
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["key"] = uuid.uuid4().hex

    def clean_points(self):
        text = (self.data.get(self.add_prefix("points")) or "").strip()
        message = points_message(signed=self.signed)
        if not re.fullmatch(r"[+-]?\d{1,10}", text):
            raise ValidationError(message)
        points = int(text)
        if abs(points) > MOST_POINTS or points == 0 or (points < 0 and not self.signed):
            raise ValidationError(message)
        return points

    def clean_key(self):
        key = self.cleaned_data.get("key", "")
        if not _KEY.fullmatch(key):
            raise ValidationError(gettext("This form is out of date: open the customer page again."))
        return key


class RedeemForm(_PointsForm):
    points = forms.CharField(label=_("Points to redeem"), required=False, widget=_NUMBER)
    reason = forms.CharField(
        label=_("What for (optional)"),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Keep it to 500 characters.")},
    )
    field_order = ["points", "reason", "key"]


class AdjustForm(_PointsForm):
    signed = True
    points = forms.CharField(
        label=_("Points to add or take away"),
        required=False,
        widget=_NUMBER,
        help_text=_("A minus sign takes points away: -50."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, error_messages=_REASON)
    field_order = ["points", "reason", "key"]

    def clean_reason(self):
        reason = " ".join(self.cleaned_data.get("reason", "").split())
        if not reason:
            raise ValidationError(_REASON["required"])
        return reason
