"""The programme's rules, as an Admin or Marketer sets them on the programme page: how many
points a unit of base currency earns, the bonuses, the pending period and expiry, and the
earning rules (multipliers by SKU or product category). patron.loyalty.earning reads them."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.loyalty.models import EarnRule, Programme

MANAGE = "loyalty.manage_programme"
# Field bounds, as the columns hold them (max_digits - decimal_places whole digits).
RATE_LIMIT = Decimal("1e8")  # points_per_unit, point_value: 12 digits, 4 decimals
MULTIPLIER_LIMIT = Decimal("1e4")  # multipliers: 6 digits, 2 decimals
SETTINGS = (
    "active",
    "name",
    "points_per_unit",
    "point_value",
    "pending_days",
    "expiry_months",
    "expires_on",
    "first_purchase_bonus",
    "birthday_multiplier",
    "referral_bonus",
)


def programme_get():
    """The workspace's one programme (pk 1), made with its defaults (not running) on first use."""
    try:
        with transaction.atomic():
            programme, _made = Programme.objects.get_or_create(pk=1)
    except IntegrityError:  # made meanwhile by a request side by side
        programme = Programme.objects.get(pk=1)
    return programme


def programme_update(*, by, **values):
    """Change the programme's settings named in ``values`` (any of SETTINGS); the others stay.
    Refused as a whole, with a message per field, when any value is not allowed."""
    actor = as_actor(by)
    require(actor, MANAGE)
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise TypeError(f"Unknown programme settings: {', '.join(sorted(unknown))}")
    errors = {}
    cleaned = {}
    for field, value in values.items():
        try:
            cleaned[field] = _clean(field, value)
        except ValidationError as exc:
            errors[field] = exc.messages
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_get().pk)
        for field, value in cleaned.items():
            setattr(programme, field, value)
        if programme.expiry_months and programme.expires_on:
            message = _(
                "Points expire either a number of months after they are earned or on a date, not both."
            )
            errors.setdefault("expiry_months", [message])
        if errors:
            raise ValidationError(errors)
        programme.updated_by = actor.user
        programme.save()
    return programme


def earn_rule_add(*, applies_to, value, multiplier, by):
    """A multiplier for order lines of one SKU or product category; one rule per SKU or category."""
    require(by, MANAGE)
    errors = {}
    if applies_to not in EarnRule.Applies.values:
        errors["applies_to"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(EarnRule.Applies.values)}
        ]
    value = " ".join(str(value or "").split())
    if not value or len(value) > 100:
        errors["value"] = [_("Name the SKU or category in 1 to 100 characters.")]
    try:
        multiplier = _decimal(multiplier, places=2, limit=MULTIPLIER_LIMIT)
    except ValidationError as exc:
        errors["multiplier"] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return EarnRule.objects.create(applies_to=applies_to, value=value, multiplier=multiplier)
    except IntegrityError:
        raise ValidationError(
            {"value": [_("There is already a rule for %(value)s: remove it first.") % {"value": value}]}
        ) from None


def earn_rule_remove(*, rule, by):
    """Remove an earning rule (an EarnRule or its id); points earned under it stay."""
    require(by, MANAGE)
    deleted, _counts = EarnRule.objects.filter(pk=getattr(rule, "pk", rule)).delete()
    return bool(deleted)


def _clean(field, value):
    if field == "active":
        if not isinstance(value, bool):
            raise ValidationError(_("Say yes or no."))
        return value
    if field == "name":
        value = " ".join(str(value or "").split())
        if len(value) > 100:
            raise ValidationError(_("At most %(limit)d characters.") % {"limit": 100})
        return value
    if field in ("points_per_unit", "point_value"):
        return _decimal(value, places=4, limit=RATE_LIMIT)
    if field == "birthday_multiplier":
        return _decimal(value, places=2, limit=MULTIPLIER_LIMIT)
    if field in ("pending_days", "expiry_months"):
        if value in (None, "") and field == "expiry_months":
            return None
        return _whole(value, limit=32767)
    if field in ("first_purchase_bonus", "referral_bonus"):
        return _whole(value, limit=2_000_000_000)
    if field == "expires_on":
        if value in (None, ""):
            return None
        if not isinstance(value, date):
            raise ValidationError(_("Give a date such as 2027-03-31."))
        return value
    raise AssertionError(field)


def _decimal(value, *, places, limit):
    """A Decimal of at most ``places`` decimals, from 0 up to ``limit`` (excluded); never a float."""
    try:
        if isinstance(value, float | bool) or value in (None, ""):
            raise InvalidOperation
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("%(value)s is not a number.") % {"value": value}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError(_("Give a number of 0 or more."))
    if number >= limit:
        raise ValidationError(_("Give a number below %(limit)s.") % {"limit": f"{limit:,.0f}"})
    if number.as_tuple().exponent < -places:
        raise ValidationError(_("Give at most %(places)d decimal places.") % {"places": places})
    return number


def _whole(value, *, limit):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValidationError(_("Give a whole number of 0 or more.")) from None
    if value < 0:
        raise ValidationError(_("Give a whole number of 0 or more."))
    if value > limit:
        raise ValidationError(_("Give a whole number of at most %(limit)s.") % {"limit": f"{limit:,}"})
    return value
