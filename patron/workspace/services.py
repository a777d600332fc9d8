"""The workspace: its defaults (country, base currency, time zone)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.workspace.models import MAX_RETENTION_DAYS, Workspace
from patron.workspace.money import MoneyError, check_currency
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


# The language of a workspace's country, where nobody chose one (a member of staff, a customer).
COUNTRY_LANGUAGES = {"TH": "th", "VN": "vi", "TR": "tr", "PH": "fil"}


def workspace_language():
    return COUNTRY_LANGUAGES.get(get_workspace().country, settings.LANGUAGE_CODE)


def workspace_update(
    *, by, name=None, country=None, currency=None, time_zone=None, upload_retention_days=None
):
    require(by, "workspace.change_workspace")
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
    if upload_retention_days is not None:
        if not 1 <= upload_retention_days <= MAX_RETENTION_DAYS:
            message = _("Keep uploaded files for 1 to %(days)d days.") % {"days": MAX_RETENTION_DAYS}
            errors["upload_retention_days"] = [message]
        workspace.upload_retention_days = upload_retention_days
    if name is not None:
        if not name.strip():
            errors["name"] = [_("The workspace needs a name.")]
        workspace.name = name.strip()
    if errors:
        raise ValidationError(errors)
    workspace.save()
    return workspace
