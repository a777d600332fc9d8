"""The workspace: its defaults, and converting an order's money into the base currency."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patron.accounts.permissions import require_perm
from patron.workspace.models import ExchangeRate, Workspace
from patron.workspace.money import MoneyError, check_currency, quantize
from patron.workspace.regions import country_currency, validate_country, validate_time_zone


def get_workspace():
    """The workspace row, created on first use from PATRON_COUNTRY, PATRON_CURRENCY, TIME_ZONE."""
    workspace = Workspace.objects.filter(pk=1).first()
    if workspace is None:
        country = validate_country(settings.PATRON_COUNTRY)
        currency = check_currency(settings.PATRON_CURRENCY or country_currency(country))
        try:
            with transaction.atomic():
                workspace = Workspace.objects.create(
                    pk=1, country=country, currency=currency, time_zone=settings.TIME_ZONE
                )
        except IntegrityError:
            workspace = Workspace.objects.get(pk=1)
    return workspace


def workspace_update(*, by, name=None, country=None, currency=None, time_zone=None):
    require_perm(by, "workspace.change_workspace")
    errors = {}
    workspace = get_workspace()
    try:
        if country is not None:
            workspace.country = validate_country(country)
    except ValidationError as exc:
        errors["country"] = exc.messages
    try:
        if currency is not None:
            workspace.currency = check_currency(currency)
    except MoneyError as exc:
        errors["currency"] = [str(exc)]
    try:
        if time_zone is not None:
            workspace.time_zone = validate_time_zone(time_zone)
    except ValidationError as exc:
        errors["time_zone"] = exc.messages
    if name is not None:
        if not name.strip():
            errors["name"] = [_("The workspace needs a name.")]
        workspace.name = name.strip()
    if errors:
        raise ValidationError(errors)
    workspace.save()
    return workspace


def to_base_currency(*, amount, currency, on_date, workspace=None):
    """Convert `amount` in `currency` to the workspace's base currency at the rate of `on_date`.

    Returns (amount in base currency, rate used). Raises ValidationError when no rate for
    that date is known: an order is never booked at a guessed rate.
    """
    workspace = workspace or get_workspace()
    currency = check_currency(currency)
    if currency == workspace.currency:
        return quantize(amount, currency), Decimal(1)
    rate = ExchangeRate.objects.filter(currency=currency, date=on_date).first()
    if rate is None:
        raise ValidationError(
            {
                "currency": [
                    _(
                        "This order is in %(currency)s but the workspace's base currency is "
                        "%(base)s, and no %(currency)s exchange rate is known for %(date)s. "
                        "Add the rate first, or record the order in %(base)s."
                    )
                    % {"currency": currency, "base": workspace.currency, "date": on_date}
                ]
            }
        )
    return quantize(Decimal(amount) * rate.rate, workspace.currency), rate.rate
