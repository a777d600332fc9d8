"""Every e-mail Patron sends or keeps: to whom, what, when, why, who asked, and the server's answer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer
from patron.outbox.purposes import purpose_label


class MessageStatus(models.TextChoices):
    OUTBOX = "outbox", _("In the outbox")  # no server configured: kept here, never sent
    QUEUED = "queued", _("Waiting to be sent")  # mail_queue: a worker sends it (mail_deliver)
    SENDING = "sending", _("Sending")  # the server was being asked when the process stopped
    # The whole message was handed to the server (mail_deliver), whose answer was never recorded:
    # the process stopped in between (RFC 1047). Sent again, with its Message-ID, once the
    # sender's claim runs out (patron.outbox.services).
    HANDED = "handed", _("Handed over")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One e-mail, recorded before it goes to the server; ``reply`` is what the server answered
    (its reply to DATA, e.g. "250 Message accepted", or why it refused the message)."""

    Status = MessageStatus

    # The staff member, or the user who asked the job that sent it (see patron.actors).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("sent by"), max_length=8, choices=ActorKind.choices)
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    to = models.CharField(_("to"), max_length=320)
    # Indexed by outbox_message_customer, which leads with the customer.
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,
        verbose_name=_("customer"),
    )
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    purpose = models.CharField(_("purpose"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices)
    reply = models.TextField(_("server's answer"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A queued message (mail_queue): its Message-ID header, the same on every attempt; the
    # attempts made; and when the next may start: for a queued message its retry time, for one
    # being sent the end of its sender's claim, after which another worker may take it up.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        # Admins only: no view permission that every role's read access would take in.
        default_permissions = ()
        permissions = [("read_mail", "Can read the mail Patron sent and keeps")]
        indexes = [
            models.Index(fields=["status", "-id"], name="outbox_message_status"),
            models.Index(fields=["customer", "-id"], name="outbox_message_customer"),
            # What the sender's sweep reads: queued messages, and claims that ran out.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["queued", "sending", "handed"]),
                name="outbox_message_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=one_of("status", MessageStatus.values), name="outbox_status_known"
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="outbox_actor_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.status} {self.to}"

    @property
    def purpose_label(self):
        return purpose_label(self.purpose)
