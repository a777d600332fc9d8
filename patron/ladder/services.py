"""Changing the ladder's rules (Admins) and recording evidence by hand (Admins and Marketers).

Every member of staff reads the ladder; the permissions are the roles' (patron.accounts.roles),
checked here so the pages and the API agree. A rule changed is recorded (RuleChange: who, when,
to what) and every customer is derived again by a job once the change commits; evidence
recorded by hand re-derives its customer the same way.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import allowed
from patron.jobs.queue import queue_after_commit
from patron.ladder import evidence
from patron.ladder.models import MAX_COUNT, MAX_WINDOW_MONTHS, HandEvidence, Rule, RuleChange, Stage

CHANGE_RULES = "ladder.change_rule"  # Admins
RECORD = "ladder.add_handevidence"  # Admins and Marketers


def can_change_rules(user) -> bool:
    return allowed(user, CHANGE_RULES)


def can_record(user) -> bool:
    return allowed(user, RECORD)


def rule_check(codes, min_count, window_months) -> tuple[list[str], int, int | None]:
    """The rule's parts, checked: known codes (each once, in the pages' order), a count from 1
    to MAX_COUNT, a window of 1 to MAX_WINDOW_MONTHS months or none; else ValidationError."""
    errors = {}
    known = evidence.codes()
    codes = list(dict.fromkeys(codes or ()))
    unknown = [code for code in codes if code not in known]
    if not codes:
        errors["codes"] = [_("Choose at least one kind of evidence.")]
    elif unknown:
        errors["codes"] = [_("Unknown evidence: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if not isinstance(min_count, int) or isinstance(min_count, bool) or not 1 <= min_count <= MAX_COUNT:
        errors["min_count"] = [_("Give a whole number from 1 to %(most)s.") % {"most": MAX_COUNT}]
    if window_months is not None and (
        not isinstance(window_months, int)
        or isinstance(window_months, bool)
        or not 1 <= window_months <= MAX_WINDOW_MONTHS
    ):
        errors["window_months"] = [
            _("Give a number of months from 1 to %(most)s, or leave it empty for ever.")
            % {"most": MAX_WINDOW_MONTHS}
        ]
    if errors:
        raise ValidationError(errors)
    order = list(known)
    return sorted(codes, key=order.index), min_count, window_months


@transaction.atomic
def rule_change(*, by, stage, codes, min_count, window_months) -> Rule:
    """Set the rule of ``stage`` (customer to partner), record who changed it and when, and
    derive every customer again once this commits (nothing when nothing changed)."""
    if not can_change_rules(by):
        raise PermissionDenied(_("Only an Admin can change the ladder's rules."))
    if stage not in Stage.values or stage == Stage.PROSPECT:
        raise ValidationError({"stage": [_("Prospect has no rule: it is where every customer starts.")]})
    codes, min_count, window_months = rule_check(codes, min_count, window_months)
    rule, _created = Rule.objects.select_for_update().get_or_create(stage=stage)
    if (rule.codes, rule.min_count, rule.window_months) == (codes, min_count, window_months):
        return rule
    now = timezone.now()
    rule.codes, rule.min_count, rule.window_months = codes, min_count, window_months
    rule.changed_by, rule.changed_at = by, now
    rule.save()
    RuleChange.objects.create(
        stage=stage, codes=codes, min_count=min_count, window_months=window_months, changed_by=by
    )
    from patron.ladder.jobs import ladder_derive_all

    queue_after_commit(ladder_derive_all, why="rules", requested_by=by.pk)
    return rule


@transaction.atomic
def hand_evidence_record(*, by, customer, kind, at, note="") -> HandEvidence:
    """Record evidence of ``kind`` (HandEvidence.Kind) about ``customer``, which happened at
    ``at`` (aware, not in the future), and derive the customer again once this commits."""
    if not can_record(by):
        raise PermissionDenied(_("Only an Admin or a Marketer can record evidence."))
    errors = {}
    if kind not in HandEvidence.Kind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(HandEvidence.Kind.values)}]
    if at is None or timezone.is_naive(at) or at > timezone.now():
        errors["at"] = [_("Give the day it happened, today or before.")]
    if customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another one.")]
    if len(note or "") > 300:
        errors["note"] = [_("Keep the note to 300 characters.")]
    if errors:
        raise ValidationError(errors)
    row = HandEvidence.objects.create(customer=customer, kind=kind, at=at, note=note or "", recorded_by=by)
    from patron.ladder.jobs import rederive_later

    rederive_later([customer.pk])
    return row
