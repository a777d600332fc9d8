"""Setting a customer's or an organisation's relationship level, with its permission check.

Staff set a level (``relationships.set_level``: Admins, Marketers and Service agents), with a
reason; accepting the suggestion from evidence is the same act, recorded as theirs with the
suggestion's reason kept and ``suggested`` true. Nothing here changes a level by itself.
Entering a level queues the playbook's "when the customer enters the level" steps.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.jobs.queue import queue_after_commit
from patron.relationships.models import CustomerLevel, Level, LevelChange, OrganisationLevel

REASON_LIMIT = 1000


def _check(level, reason):
    errors = {}
    if level not in Level.values:
        errors["level"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Level.values)}]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why: what the level rests on.")]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [_("At most %(limit)d characters.") % {"limit": REASON_LIMIT}]
    if errors:
        raise ValidationError(errors)
    return reason


@transaction.atomic
def level_set(*, by, level, reason, customer=None, organisation=None, suggested=False):
    """Set the level of ``customer`` or ``organisation`` (one of the two) to ``level``, saying
    why; recorded in the history with who and when. Setting the level it already has is
    refused (the history records changes). Returns the LevelChange."""
    actor = as_actor(by)
    require(actor, "relationships.set_level", customer=customer)
    if (customer is None) == (organisation is None):
        raise ValueError("A level is set on a customer or an organisation.")
    reason = _check(level, reason)
    if customer is not None and (customer.merged_into_id or customer.erased_at):
        raise ValidationError({"customer": [_("This customer was merged or erased: their level stays.")]})
    current_model, party = (
        (CustomerLevel, {"customer": customer})
        if customer is not None
        else (OrganisationLevel, {"organisation": organisation})
    )
    current = current_model.objects.select_for_update().filter(**party).first()
    if current is not None and current.level == level:
        raise ValidationError(
            {"level": [_("The level is %(level)s already.") % {"level": Level(level).label}]}
        )
    now = timezone.now()
    change = LevelChange.objects.create(
        **party,
        level=level,
        previous=current.level if current else "",
        reason=reason,
        suggested=suggested,
        at=now,
        **actor.columns("set_by"),
    )
    current_model.objects.update_or_create(**party, defaults={"level": level, "since": now, "change": change})
    if customer is not None:
        from patron.relationships.jobs import playbooks_entered

        queue_after_commit(playbooks_entered, change.pk)
    return change


def suggestion_accept(*, by, customer=None, organisation=None, level=None):
    """Set the level the evidence suggests now, with its reason, as ``by``'s act. ``level``: the
    suggestion as the person accepting it saw it; if the evidence now suggests another, nothing
    is set. ValidationError when there is no suggestion, it changed, or it is the level already."""
    from patron.relationships.suggestions import suggest

    # Before the evidence is read, so one without the right learns nothing of it.
    require(by, "relationships.set_level", customer=customer)
    suggestion = suggest(customer=customer, organisation=organisation)
    if suggestion is None:
        raise ValidationError({"level": [_("There is nothing to suggest yet.")]})
    if level is not None and level != suggestion.level:
        raise ValidationError(
            {"level": [_("The evidence now suggests %(level)s: look again.") % {"level": suggestion.label}]}
        )
    return level_set(
        by=by,
        level=suggestion.level,
        reason=suggestion.reason,
        customer=customer,
        organisation=organisation,
        suggested=True,
    )
