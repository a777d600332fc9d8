from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.constraints import one_of


class OrganisationKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    DISTRIBUTOR = "distributor", _("Distributor")
    CHANNEL_PARTNER = "channel_partner", _("Channel partner")
    AGENCY = "agency", _("Agency")
    INTERMEDIARY = "intermediary", _("Intermediary")
    SHAREHOLDER = "shareholder", _("Shareholder")
    INVESTOR = "investor", _("Investor")
    ANALYST = "analyst", _("Analyst")


class Organisation(models.Model):
    """A relationship other than a customer: a marketing partner or the financial community."""

    # Declared above, where Meta's constraints can see it; Organisation.Kind as before.
    Kind = OrganisationKind

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    website = models.URLField(_("website"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("owner"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The folded name (see customers/folding.py), so "sirket" finds "Şirket".
    search_name = models.CharField(max_length=200, default="", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", OrganisationKind.values), name="organisation_kind_known"
            )
        ]

    def __str__(self):
        return self.name


class OrganisationContact(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name
