"""Surveys (NPS and CSAT) sent to customers and their answers, feedback (compliments, concerns,
complaints, public reviews, co-created ideas) with a category, and the surveys' settings.

A Survey is one invitation: sent to one address with one link per score. Its link's token is
kept only as its SHA-256 (``token_hash``), so the database holds no usable link. A survey that
could not be sent (no e-mail address, e-mail refused, asked too soon after the last one) is kept
too, with ``status`` "skipped" and why, so the customer's page says why none went. The answer
(score, band, comment) is written on the invitation, by the customer (the answer's actor).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer
from patron.outbox.models import Message
from patron.tasks.models import Task


class SurveyKind(models.TextChoices):
    NPS = "nps", _("NPS (0-10)")
    CSAT = "csat", _("CSAT (1-5)")


class SurveyReason(models.TextChoices):
    """What asked for the survey."""

    ORDER = "order", _("after an order")
    TASK = "task", _("after a completed task")
    HAND = "hand", _("sent by hand")
    PLAYBOOK = "playbook", _("a playbook")


class SurveyStatus(models.TextChoices):
    SENT = "sent", _("sent")
    FAILED = "failed", _("not delivered")
    SKIPPED = "skipped", _("not sent")


class SkipReason(models.TextChoices):
    """Why a survey was not sent."""

    NO_EMAIL = "no_email", _("the customer has no e-mail address")
    REFUSED = "refused", _("the customer refused e-mail")
    TOO_SOON = "too_soon", _("a survey was sent to this customer too recently")
    MERGED = "merged", _("the customer was merged into another one")
    ERASED = "erased", _("the customer's data was erased")


class Band(models.TextChoices):
    """Where an answer falls: NPS 9-10, 7-8, 0-6; CSAT 4-5, 3, 1-2."""

    PROMOTER = "promoter", _("Promoter")
    PASSIVE = "passive", _("Passive")
    DETRACTOR = "detractor", _("Detractor")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


POSITIVE_BANDS = (Band.PROMOTER, Band.SATISFIED)
SCORES = {SurveyKind.NPS: range(0, 11), SurveyKind.CSAT: range(1, 6)}


def band_of(kind, score):
    if kind == SurveyKind.NPS:
        return Band.PROMOTER if score >= 9 else Band.PASSIVE if score >= 7 else Band.DETRACTOR
    return Band.SATISFIED if score >= 4 else Band.NEUTRAL if score == 3 else Band.UNSATISFIED


class Survey(models.Model):
    Kind = SurveyKind
    Reason = SurveyReason
    Status = SurveyStatus

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="surveys", db_index=False, verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=4, choices=SurveyKind.choices)
    reason = models.CharField(_("reason"), max_length=10, choices=SurveyReason.choices)
    status = models.CharField(_("status"), max_length=8, choices=SurveyStatus.choices)
    skip_reason = models.CharField(_("why not sent"), max_length=10, choices=SkipReason.choices, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    # Who asked for it (patron.actors): staff by hand, or a job (an order, a task, a playbook).
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("sent by"), max_length=8, choices=ActorKind.choices)
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    # The answer, by the customer through the link (or recorded by staff through the API).
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    band = models.CharField(_("answer"), max_length=12, choices=Band.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_actor_kind = models.CharField(
        _("answered by"), max_length=8, choices=ActorKind.choices, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    comment = models.TextField(_("comment"), blank=True)
    commented_at = models.DateTimeField(_("commented"), null=True, blank=True)
    # The follow-up task a detractor's answer opened (once per answer).
    follow_up = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=one_of("kind", SurveyKind.values), name="survey_kind_known"),
            models.CheckConstraint(
                condition=one_of("reason", SurveyReason.values), name="survey_reason_known"
            ),
            models.CheckConstraint(
                condition=one_of("status", SurveyStatus.values), name="survey_status_known"
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="survey_actor_kind_known"
            ),
            # An answer has its score, band and time together.
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True, band="")
                | (models.Q(score__isnull=False, answered_at__isnull=False) & ~models.Q(band="")),
                name="survey_answer_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=SurveyKind.NPS, score__lte=10)
                | models.Q(kind=SurveyKind.CSAT, score__gte=1, score__lte=5)
                | models.Q(score__isnull=True),
                name="survey_score_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "created_at"], name="survey_customer"),
            models.Index(fields=["answered_at"], name="survey_answered"),
        ]

    def __str__(self):
        return f"{self.kind} {self.customer_id} {self.created_at:%Y-%m-%d}"


class FeedbackKind(models.TextChoices):
    COMPLIMENT = "compliment", _("Compliment")
    CONCERN = "concern", _("Concern")
    COMPLAINT = "complaint", _("Complaint")
    REVIEW = "review", _("Public review")
    IDEA = "idea", _("Co-created idea")


# The categories a new workspace starts with, by code; an Admin renames, adds and retires them.
DEFAULT_CATEGORIES = {
    "product": _("Product"),
    "service": _("Service"),
    "delivery": _("Delivery"),
    "price": _("Price"),
    "staff": _("Staff"),
}


class FeedbackCategory(models.Model):
    # A default category keeps its code and shows its name in the reader's language until an
    # Admin gives it a name of their own.
    code = models.CharField(max_length=20, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code="") | ~models.Q(name=""), name="feedback_category_named"
            ),
        ]

    def __str__(self):
        return self.name or str(DEFAULT_CATEGORIES.get(self.code, self.code))


class Feedback(models.Model):
    Kind = FeedbackKind

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="feedback",
        db_index=False,
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FeedbackKind.choices)
    category = models.ForeignKey(
        FeedbackCategory, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("category")
    )
    text = models.TextField(_("what they said"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("when"))
    follow_up = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("recorded by"), max_length=8, choices=ActorKind.choices)
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(condition=one_of("kind", FeedbackKind.values), name="feedback_kind_known"),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="feedback_actor_kind_known"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="feedback_customer"),
            models.Index(fields=["kind", "occurred_at"], name="feedback_kind"),
        ]

    def __str__(self):
        return f"{self.kind} {self.customer_id} {self.occurred_at:%Y-%m-%d}"


class SurveySettings(models.Model):
    """One row: when surveys go out by themselves, how long their links work, and who follows
    up a detractor or a complaint of a customer without an owner."""

    after_orders = models.BooleanField(_("send a survey after a customer's Nth order"), default=False)
    after_orders_count = models.PositiveSmallIntegerField(_("after which order (N)"), default=1)
    after_orders_kind = models.CharField(
        _("survey after the order"), max_length=4, choices=SurveyKind.choices, default=SurveyKind.NPS
    )
    after_task = models.BooleanField(_("send a survey after a completed task"), default=False)
    after_task_kind = models.CharField(
        _("survey after the task"), max_length=4, choices=SurveyKind.choices, default=SurveyKind.CSAT
    )
    min_interval_days = models.PositiveSmallIntegerField(
        _("days at least between two automatic surveys to a customer"), default=90
    )
    link_days = models.PositiveSmallIntegerField(_("days a survey's link works"), default=30)
    fallback_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow-ups of customers without an owner go to"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        permissions = [("manage_feedback", "Can change the survey settings and feedback categories")]
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="survey_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(after_orders_count__gte=1, after_orders_count__lte=1000),
                name="survey_settings_count_1_to_1000",
            ),
            models.CheckConstraint(
                condition=models.Q(link_days__gte=1, link_days__lte=365), name="survey_settings_link_days"
            ),
            models.CheckConstraint(
                condition=models.Q(min_interval_days__lte=3650), name="survey_settings_interval_days"
            ),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
