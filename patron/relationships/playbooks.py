"""Each level's playbook: steps an Admin adds, changes and switches off (``relationships.change_step``),
every edit recorded (PlaybookEdit: who, when, what in words).

A step is a trigger and an action:

- triggers: ``after_order`` (N days after each completed order), ``after_product`` (N days
  after a completed order with a product of a category, or of a SKU, compared without case),
  ``every`` (every N days at the level, counted from entering it), ``quarterly`` (each calendar
  quarter at the level, in the workspace's time zone, N days into it, or at the entry into the
  level if later), ``entered`` (N days after the customer enters the level);
- actions: ``task`` (a task of a kind and title for the customer's owner, with reminders so
  many minutes before it is due), ``survey`` (an NPS or CSAT survey, patron.feedback), ``email``
  (a subject and a text; ``{name}`` in either is the customer's name).

A step is never deleted: switched off, it acts no more, and what it made stays recorded
(runner.py), so switching it on again makes nothing twice.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patron.accounts.permissions import require
from patron.relationships.models import Action, Level, PlaybookEdit, Step, SurveyKind, Trigger
from patron.tasks.models import Task
from patron.tasks.services import OFFSET_LIMIT, REMINDERS_LIMIT

DAYS_LIMIT = 3650
FIELDS = (
    "trigger",
    "days",
    "category",
    "sku",
    "action",
    "task_kind",
    "title",
    "remind_before_minutes",
    "survey_kind",
    "subject",
    "body",
)

# The default steps' titles (migration 0002) are stored in English: until an Admin rewords one,
# it is shown and given to the task in the reader's or the assignee's language.
DEFAULT_TITLES = frozenset(
    {
        gettext_noop("Follow-up call: how is the product with the service plan doing?"),
        gettext_noop("Quarterly review meeting"),
    }
)


def title_of(step):
    return _(step.title) if step.title in DEFAULT_TITLES else step.title


def describe(step):
    """The step in words: "7 days after each order: a survey (CSAT)"."""
    days = step.days
    if step.trigger == Trigger.AFTER_ORDER:
        when = _("%(days)d days after each order") % {"days": days}
    elif step.trigger == Trigger.AFTER_PRODUCT and step.sku:
        when = _("%(days)d days after an order of the SKU %(sku)s") % {"days": days, "sku": step.sku}
    elif step.trigger == Trigger.AFTER_PRODUCT:
        when = _("%(days)d days after an order of a product in “%(category)s”") % {
            "days": days,
            "category": step.category,
        }
    elif step.trigger == Trigger.EVERY:
        when = _("every %(days)d days at the level") % {"days": days}
    elif step.trigger == Trigger.QUARTERLY and not days:
        when = _("every quarter")
    elif step.trigger == Trigger.QUARTERLY:
        when = _("every quarter, %(days)d days into it") % {"days": days}
    else:
        when = _("%(days)d days after entering the level") % {"days": days}
    if step.action == Action.TASK:
        what = _("a task (%(kind)s) for the owner: %(title)s") % {
            "kind": Task.Kind(step.task_kind).label if step.task_kind in Task.Kind.values else step.task_kind,
            "title": title_of(step),
        }
    elif step.action == Action.SURVEY:
        what = _("a survey (%(kind)s)") % {"kind": step.get_survey_kind_display()}
    else:
        what = _("an e-mail: %(subject)s") % {"subject": step.subject}
    return f"{when}: {what}"


def _check(values):
    errors = {}
    trigger, action = values.get("trigger"), values.get("action")
    if trigger not in Trigger.values:
        errors["trigger"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Trigger.values)}]
    days = values.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= DAYS_LIMIT:
        errors["days"] = [_("Give a whole number of days from 0 to %(limit)d.") % {"limit": DAYS_LIMIT}]
    elif trigger == Trigger.EVERY and days < 1:
        errors["days"] = [_("Repeat every 1 day or more.")]
    values["category"] = (values.get("category") or "").strip()
    values["sku"] = (values.get("sku") or "").strip()
    if trigger == Trigger.AFTER_PRODUCT and not (values["category"] or values["sku"]):
        errors["category"] = [_("Name the product's category or its SKU.")]
    if action not in Action.values:
        errors["action"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Action.values)}]
    values["title"] = (values.get("title") or "").strip()
    values["subject"] = (values.get("subject") or "").strip()
    values["body"] = values.get("body") or ""
    offsets = list(values.get("remind_before_minutes") or [])
    values["remind_before_minutes"] = offsets
    if action == Action.TASK:
        if values.get("task_kind") not in Task.Kind.values:
            errors["task_kind"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(Task.Kind.values)}
            ]
        if not values["title"]:
            errors["title"] = [_("Give the task a title: what is to be done.")]
        elif len(values["title"]) > 200:
            errors["title"] = [_("At most %(limit)d characters.") % {"limit": 200}]
        if (
            len(offsets) > REMINDERS_LIMIT
            or any(
                isinstance(m, bool) or not isinstance(m, int) or not 0 <= m <= OFFSET_LIMIT for m in offsets
            )
            or len(set(offsets)) != len(offsets)
        ):
            errors["remind_before_minutes"] = [
                _("Give up to %(count)d different reminders, each 0 to %(limit)d minutes before.")
                % {"count": REMINDERS_LIMIT, "limit": OFFSET_LIMIT}
            ]
    else:
        values["task_kind"] = ""
        values["remind_before_minutes"] = []
    if action == Action.SURVEY:
        if values.get("survey_kind") not in SurveyKind.values:
            errors["survey_kind"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(SurveyKind.values)}
            ]
    else:
        values["survey_kind"] = ""
    if action == Action.EMAIL:
        if not values["subject"] or len(values["subject"]) > 200 or "\n" in values["subject"]:
            errors["subject"] = [_("Give the e-mail a subject of one line, at most 200 characters.")]
        if not values["body"].strip():
            errors["body"] = [_("Write the e-mail's text.")]
    if errors:
        raise ValidationError(errors)
    return {name: values.get(name) for name in FIELDS}


def _edited(by, level, what):
    PlaybookEdit.objects.create(level=level, by=by, what=what[:300])


@transaction.atomic
def step_create(*, by, level, **values):
    require(by, "relationships.change_step")
    if level not in Level.values:
        raise ValidationError(
            {"level": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Level.values)}]}
        )
    step = Step.objects.create(level=level, updated_by=by, updated_at=timezone.now(), **_check(values))
    _edited(by, level, _("Added: %(step)s") % {"step": describe(step)})
    return step


@transaction.atomic
def step_update(*, by, step, **values):
    require(by, "relationships.change_step")
    step = Step.objects.select_for_update().get(pk=step.pk)
    for name, value in _check(values).items():
        setattr(step, name, value)
    step.updated_by, step.updated_at = by, timezone.now()
    step.save()
    _edited(by, step.level, _("Changed: %(step)s") % {"step": describe(step)})
    return step


@transaction.atomic
def step_switch(*, by, step, active):
    """Switch a step off (it acts no more; what it made stays recorded) or on again."""
    require(by, "relationships.change_step")
    step = Step.objects.select_for_update().get(pk=step.pk)
    if step.active == active:
        return step
    step.active, step.updated_by, step.updated_at = active, by, timezone.now()
    step.save()
    template = _("Switched on: %(step)s") if active else _("Switched off: %(step)s")
    _edited(by, step.level, template % {"step": describe(step)})
    return step
