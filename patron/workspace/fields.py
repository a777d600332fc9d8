"""Model fields whose valid values come from a library's data."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.workspace.money import CURRENCY_CHOICES, CURRENCY_CODES


def validate_currency(code):
    if code not in CURRENCY_CODES:
        raise ValidationError(
            _("%(code)s is not an ISO 4217 currency code (such as THB)."),
            code="currency",
            params={"code": code},
        )


class CurrencyField(models.CharField):
    """An ISO 4217 code, checked against the installed Babel when a value is validated.

    The list of codes is deliberately not the field's `choices`: choices are written into
    migrations, so every Babel release that adds or retires a currency would need a new
    migration (and fail `makemigrations --check`). Forms still offer the list as a select.
    """

    default_validators = [validate_currency]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 3
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        # Always a select, also in the admin (which would give a CharField a text input).
        kwargs["widget"] = forms.Select(choices=[("", "---------"), *CURRENCY_CHOICES])
        return super().formfield(**kwargs)
