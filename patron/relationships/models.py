"""Relationship levels (seed 002): basic, reactive, accountable, proactive, partnership.

A customer's or an organisation's level is set by staff, with a reason; every change is a
`LevelChange` row (the history: who, when, why, from which level, whether it was the
suggestion accepted), and the current level is one row per customer (`CustomerLevel`) or
organisation (`OrganisationLevel`), so lists and filters read it with one join. No row: no
level yet.

Each level has a playbook: `Step`s an Admin edits, each a trigger and an action. `StepRun`
records each occasion a step acted on, once per step, customer and occasion (the database's
unique constraint, written in the transaction that creates the task or message).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer
from patron.organisations.models import Organisation


class Level(models.TextChoices):
    """In ascending order: the order of the values is the order of the levels."""

    BASIC = "basic", _("Basic")
    REACTIVE = "reactive", _("Reactive")
    ACCOUNTABLE = "accountable", _("Accountable")
    PROACTIVE = "proactive", _("Proactive")
    PARTNERSHIP = "partnership", _("Partnership")


RANK = {value: rank for rank, value in enumerate(Level.values, start=1)}


class LevelChange(models.Model):
    """One change of a customer's or an organisation's level: the history, never edited."""

    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="level_changes",
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="level_changes",
        db_index=False,
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    previous = models.CharField(_("previous level"), max_length=12, choices=Level.choices, blank=True)
    reason = models.TextField(_("reason"))
    # The suggestion from evidence, accepted as it was (patron.relationships.suggestions).
    suggested = models.BooleanField(_("suggested"), default=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("set by"), max_length=8, choices=ActorKind.choices)
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False, organisation__isnull=True)
                | models.Q(customer__isnull=True, organisation__isnull=False),
                name="level_change_on_customer_or_organisation",
            ),
            models.CheckConstraint(condition=one_of("level", Level.values), name="level_change_level_known"),
            models.CheckConstraint(
                condition=models.Q(previous="") | one_of("previous", Level.values),
                name="level_change_previous_known",
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="level_change_actor_kind_known"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-at"], name="level_change_customer"),
            models.Index(fields=["organisation", "-at"], name="level_change_organisation"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.previous or '-'} -> {self.level}"


class CustomerLevel(models.Model):
    """A customer's current level, since when, and the change that set it."""

    customer = models.OneToOneField(
        Customer, primary_key=True, on_delete=models.CASCADE, related_name="relationship_level"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    since = models.DateTimeField(_("since"))
    change = models.ForeignKey(LevelChange, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("relationship level")
        verbose_name_plural = _("relationship levels")
        permissions = [("set_level", "Can set a relationship level")]
        constraints = [
            models.CheckConstraint(condition=one_of("level", Level.values), name="customer_level_known")
        ]
        indexes = [models.Index(fields=["level", "customer"], name="customer_level_level")]

    def __str__(self):
        return f"{self.customer_id} {self.level}"


class OrganisationLevel(models.Model):
    """An organisation's current level, since when, and the change that set it."""

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="relationship_level"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    since = models.DateTimeField(_("since"))
    change = models.ForeignKey(LevelChange, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("organisation's relationship level")
        verbose_name_plural = _("organisations' relationship levels")
        constraints = [
            models.CheckConstraint(condition=one_of("level", Level.values), name="organisation_level_known")
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.level}"


class Trigger(models.TextChoices):
    AFTER_ORDER = "after_order", _("Days after each order")
    AFTER_PRODUCT = "after_product", _("Days after an order of a product (category or SKU)")
    EVERY = "every", _("Every so many days at the level")
    QUARTERLY = "quarterly", _("Every quarter at the level")
    ENTERED = "entered", _("When the customer enters the level")


class Action(models.TextChoices):
    TASK = "task", _("A task for the customer's owner")
    SURVEY = "survey", _("A survey")
    EMAIL = "email", _("An e-mail")


class SurveyKind(models.TextChoices):
    NPS = "nps", "NPS"
    CSAT = "csat", "CSAT"


class Step(models.Model):
    """One step of a level's playbook: when (trigger, days, category or SKU) and what (action)."""

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    trigger = models.CharField(_("when"), max_length=14, choices=Trigger.choices)
    days = models.PositiveIntegerField(_("days"), default=0)
    category = models.CharField(_("product category"), max_length=100, blank=True)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    task_kind = models.CharField(_("task kind"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    remind_before_minutes = models.JSONField(_("reminders (minutes before)"), default=list, blank=True)
    survey_kind = models.CharField(_("survey"), max_length=4, choices=SurveyKind.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["level", "id"]
        constraints = [
            models.CheckConstraint(condition=one_of("level", Level.values), name="step_level_known"),
            models.CheckConstraint(condition=one_of("trigger", Trigger.values), name="step_trigger_known"),
            models.CheckConstraint(condition=one_of("action", Action.values), name="step_action_known"),
        ]

    def __str__(self):
        return f"{self.level}: {self.trigger} {self.days} -> {self.action} {self.title}"


# What came of a step for a customer, in words (StepRun.outcome).
OUTCOMES = {
    "task": _("task made"),
    "no_owner": _("no task: the customer has no owner"),
    "survey_sent": _("survey sent"),
    "survey_failed": _("survey not delivered"),
    "survey_skipped": _("survey not sent"),
    "email": _("e-mail sent"),
    "email_failed": _("e-mail not delivered"),
    "email_refused": _("no e-mail: the customer refused e-mail"),
    "no_email": _("no e-mail: the customer has no address"),
}


class StepRun(models.Model):
    """A step acted on for one customer and occasion (the order's id, the quarter, the day, the
    entry into the level): once, by the unique constraint, whatever runs side by side."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="runs")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    occasion = models.CharField(_("occasion"), max_length=40)
    occasion_at = models.DateTimeField(_("occasion's time"))
    done_at = models.DateTimeField(_("done"), default=timezone.now)
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(
        "outbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What came of it, in a word: task, survey, email, or why nothing was made (no_owner, ...).
    outcome = models.CharField(_("outcome"), max_length=20)

    class Meta:
        verbose_name = _("playbook step done")
        verbose_name_plural = _("playbook steps done")
        constraints = [
            models.UniqueConstraint(fields=["step", "customer", "occasion"], name="step_run_once"),
        ]
        indexes = [models.Index(fields=["customer", "-done_at"], name="step_run_customer")]

    def __str__(self):
        return f"{self.step_id} {self.customer_id} {self.occasion} {self.outcome}"

    def outcome_text(self):
        return OUTCOMES.get(self.outcome, self.outcome)


class PlaybookEdit(models.Model):
    """Who changed a level's playbook, when, and what (in words)."""

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    what = models.CharField(_("what"), max_length=300)

    class Meta:
        verbose_name = _("playbook change")
        verbose_name_plural = _("playbook changes")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=one_of("level", Level.values), name="playbook_edit_level_known")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.level} {self.what}"
