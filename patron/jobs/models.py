from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedJob(models.Model):
    """A background job that failed on its last retry, kept with its error for an admin."""

    task_id = models.CharField(max_length=64, db_index=True)
    name = models.CharField(_("job"), max_length=200)
    arguments = models.TextField(_("arguments"), blank=True)
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs")
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.name} {self.failed_at:%Y-%m-%d %H:%M}"
