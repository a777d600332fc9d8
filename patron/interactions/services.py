from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.interactions.models import Interaction


def interaction_log(
    *,
    by,
    channel,
    direction,
    customer=None,
    organisation=None,
    contact=None,
    subject="",
    body="",
    occurred_at=None,
    staff=None,
):
    """Log a contact. Defaults: now, by the person logging it. It must say what the contact was
    about, in a subject or in notes: an empty entry tells the next person nothing."""
    require(by, "interactions.add_interaction")
    errors = {}
    if customer is None and organisation is None and contact is None:
        errors["customer"] = [_("Say who the contact was with: a customer or an organisation.")]
    if contact is not None:
        if organisation is None:
            organisation = contact.organisation
        elif contact.organisation_id != organisation.pk:
            errors["contact"] = [_("This contact works for another organisation.")]
    if customer is not None and customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another one.")]
    if channel not in Interaction.Channel.values:
        errors["channel"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Interaction.Channel.values)}
        ]
    if direction not in Interaction.Direction.values:
        errors["direction"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Interaction.Direction.values)}
        ]
    subject = (subject or "").strip()
    if len(subject) > 200:
        errors["subject"] = [_("At most %(limit)d characters.") % {"limit": 200}]
    elif not subject and not (body or "").strip():
        errors["subject"] = [_("Say what the contact was about: give a subject or notes.")]
    occurred_at = occurred_at or timezone.now()
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Give the time with its time zone.")]
    elif occurred_at > timezone.now() + settings.PATRON_CLOCK_SKEW:
        errors["occurred_at"] = [_("An interaction cannot be logged for a future time.")]
    if errors:
        raise ValidationError(errors)
    return Interaction.objects.create(
        customer=customer,
        organisation=organisation,
        contact=contact,
        channel=channel,
        direction=direction,
        subject=subject,
        body=body or "",
        occurred_at=occurred_at,
        staff=staff or as_actor(by).user,
    )
