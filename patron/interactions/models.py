from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.constraints import one_of
from patron.customers.models import Customer
from patron.organisations.models import Organisation, OrganisationContact


class InteractionChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    # The chat apps of the shops' countries, by their brand names (never translated).
    LINE = "line", "LINE"
    ZALO = "zalo", "Zalo"
    VIBER = "viber", "Viber"
    WHATSAPP = "whatsapp", "WhatsApp"
    MESSENGER = "messenger", "Messenger"
    CHAT = "chat", _("Other chat")
    SOCIAL = "social", _("Social media")
    IN_PERSON = "in_person", _("In person")
    WEB = "web", _("Web")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Interaction(models.Model):
    """One contact with a customer or an organisation: the contact history."""

    # Declared above, where Meta's constraints can see them; Interaction.Channel and .Direction as before.
    Channel = InteractionChannel
    Direction = Direction

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="interactions"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="interactions"
    )
    contact = models.ForeignKey(
        OrganisationContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("notes"), blank=True)
    occurred_at = models.DateTimeField(_("when"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
        verbose_name=_("staff member"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(organisation__isnull=False),
                name="interaction_has_a_party",
            ),
            models.CheckConstraint(
                condition=one_of("channel", InteractionChannel.values), name="interaction_channel_known"
            ),
            models.CheckConstraint(
                condition=one_of("direction", Direction.values), name="interaction_direction_known"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_at"),
            models.Index(fields=["organisation", "-occurred_at"], name="interaction_org_at"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d} {self.channel} {self.subject}"
