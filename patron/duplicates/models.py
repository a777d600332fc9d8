from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer

# Finding, merging, dismissing and undoing; seeing the pairs only needs customers.view_customer.
MERGE_CUSTOMERS = "duplicates.merge_customers"


class PairStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not the same")


class DuplicatePair(models.Model):
    """Two live customers the finder thinks may be one person, and what a person decided.

    A pair is kept once decided, so that a dismissed pair is never proposed again.
    """

    Status = PairStatus

    left = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"))
    right = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("other customer")
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=3)
    # Signal ("name", "email", "phone", "birthday", "address") -> similarity from 0 to 1.
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(_("found"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        permissions = [("merge_customers", _("Can find, merge and dismiss duplicate customers"))]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(left__lt=F("right")), name="duplicate_pair_ordered"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="duplicate_pair_score_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PairStatus.values), name="duplicate_pair_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=PairStatus.OPEN, decided_at__isnull=True)
                | (~Q(status=PairStatus.OPEN) & Q(decided_at__isnull=False)),
                name="duplicate_pair_decided_unless_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "-score", "-id"], name="duplicate_pair_review")]

    def __str__(self):
        return f"{self.left_id} ~ {self.right_id} ({self.score})"


class Merge(models.Model):
    """One customer folded into another, with what it takes to undo it exactly.

    `snapshot` holds the ids of every row moved, the identities dropped as repeats, the
    tags added, the scores set aside and the survivor's profile before and after; see merging.py.
    """

    survivor = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="merges_kept", verbose_name=_("survivor")
    )
    merged = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="merges_absorbed", verbose_name=_("merged customer")
    )
    pair = models.ForeignKey(
        DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("merged by"),
    )
    # Who merged: staff (`by`), or the system in a job (`actor_job`, `by` who asked); see patron.actors.
    actor_kind = models.CharField(_("merged by"), max_length=8, choices=ActorKind.choices)
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    at = models.DateTimeField(_("merged"))
    # {field: "survivor" | "merged"} as the person chose; "attributes.<key>" for one attribute.
    choices = models.JSONField(_("choices"), default=dict)
    snapshot = models.JSONField(default=dict, editable=False)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_not_into_itself"),
            # A customer is folded into at most one other at a time.
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="merge_one_in_force"
            ),
            models.CheckConstraint(
                condition=Q(undone_by__isnull=True) | Q(undone_at__isnull=False), name="merge_undone_when"
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="merge_actor_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_SCAN = (ScanStatus.QUEUED, ScanStatus.RUNNING)


class DuplicateScan(models.Model):
    """A search for duplicates asked for on the review page, run by the worker.

    At most one is queued or running (a constraint); a request made meanwhile joins that one
    (see ``scanning.scan_request``).
    """

    Status = ScanStatus

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    min_score = models.DecimalField(_("minimum score"), max_digits=4, decimal_places=3)
    queued_at = models.DateTimeField(_("queued"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set when queued and when it starts; an active scan silent for
    # patron.jobs.single_run.STALE_AFTER is taken as dead, so that it does not block new scans for ever.
    heartbeat_at = models.DateTimeField(_("last sign of life"))
    found = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.UniqueConstraint(
                models.Value(True), condition=Q(status__in=ACTIVE_SCAN), name="one_active_duplicate_scan"
            ),
            models.CheckConstraint(
                condition=one_of("status", ScanStatus.values), name="duplicate_scan_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.queued_at:%Y-%m-%d %H:%M} {self.status}"
