from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.workspace.fields import CurrencyField

MAX_RETENTION_DAYS = 3650


class Workspace(models.Model):
    """The business that runs Patron: one row, created on first use from the environment."""

    name = models.CharField(_("name"), max_length=200, default="Patron")
    country = models.CharField(_("default country"), max_length=2)
    currency = CurrencyField(_("base currency"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    # Uploaded import files are deleted this many days after their upload (their runs are kept).
    upload_retention_days = models.PositiveSmallIntegerField(_("days uploaded files are kept"), default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="workspace_single_row"),
            models.CheckConstraint(
                condition=models.Q(
                    upload_retention_days__gte=1, upload_retention_days__lte=MAX_RETENTION_DAYS
                ),
                name="workspace_upload_retention_days_1_to_3650",
            ),
        ]

    def __str__(self):
        return self.name


class ExchangeRate(models.Model):
    """How many units of the base currency one unit of `currency` bought on `date`."""

    currency = CurrencyField(_("currency"))
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate to base currency"), max_digits=20, decimal_places=10)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency} {self.date}: {self.rate}"
