import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patron.actors import ActorKind
from patron.constraints import one_of


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")


class Purpose(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


def tag_key(name):
    """What makes two tag names one tag: "VIP" and "vip", "Khách VIP" and "KHÁCH VIP" (NFKC,
    then Unicode case folding, so the same on SQLite, whose lower() knows only ASCII, and on
    PostgreSQL)."""
    return unicodedata.normalize("NFKC", name).casefold()


class TagQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for tag in objs:
            tag.key = tag_key(tag.name)
        return super().bulk_create(objs, *args, **kwargs)

    def named(self, names):
        """The tags of these names, in any case."""
        return self.filter(key__in={tag_key(name) for name in names})


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    # tag_key(name), kept by save() and bulk_create(); unique, so the database holds one tag
    # whatever the case.
    key = models.CharField(max_length=200, unique=True, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~models.Q(key=""), name="tag_key_not_blank")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = tag_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "key"}
        super().save(*args, **kwargs)


class Customer(models.Model):
    display_name = models.CharField(_("display name"), max_length=200)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    locale = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))
    # The staff member who looks after the customer; indexed with the id by customer_owner_id.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers_owned",
        verbose_name=_("owner"),
        db_index=False,
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # Folded names, e-mails and phone digits: what search looks in (see folding.py).
    search_text = models.TextField(default="", editable=False)
    # When the person's data was erased (customers/erasure.py): the record stays, with no name.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("export_customer", _("Can export a customer's personal data")),
            ("erase_customer", _("Can erase a customer's personal data")),
            ("export_list", _("Can export the customer list")),
        ]
        indexes = [
            models.Index(fields=["country", "id"], name="customer_country_id"),
            models.Index(fields=["owner", "id"], name="customer_owner_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=one_of("gender", [*Gender.values, ""]), name="customer_gender_known_or_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="customer_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return self.display_name

    def contact_points_of(self, kind):
        """The customer's contact points of one kind, primary first (from a prefetch if any)."""
        return [point for point in self.contact_points.all() if point.kind == kind]

    @property
    def email_points(self):
        return self.contact_points_of(ContactKind.EMAIL)

    @property
    def phone_points(self):
        return self.contact_points_of(ContactKind.PHONE)

    @property
    def chat_points(self):
        """LINE, Zalo, Viber and WhatsApp identities."""
        return [point for point in self.contact_points.all() if point.kind in CHAT_KINDS]


class ContactKind(models.TextChoices):
    """The ways to reach a person; contact_kinds.py says how each is written and matched."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LINE = "line", _("LINE")
    ZALO = "zalo", _("Zalo")
    VIBER = "viber", _("Viber")
    WHATSAPP = "whatsapp", _("WhatsApp")


CHAT_KINDS = (ContactKind.LINE, ContactKind.ZALO, ContactKind.VIBER, ContactKind.WHATSAPP)


class ContactPoint(models.Model):
    """One way to reach a customer: an e-mail address, a phone, or a chat identity.

    ``value`` is as entered (and shown); ``normalised`` its canonical form, unique per customer
    and kind; ``match_key`` what identity matching compares (see contact_kinds.py).
    """

    Kind = ContactKind

    # Indexed by contact_point_once, which leads with the customer: one index fewer to write.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contact_points", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=254)
    normalised = models.CharField(max_length=254, editable=False)
    match_key = models.CharField(max_length=254, editable=False)
    is_primary = models.BooleanField(_("primary"), default=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["kind", "-is_primary", "id"]
        indexes = [models.Index(fields=["kind", "match_key"], name="contact_point_match")]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", ContactKind.values), name="contact_point_kind_known"
            ),
            models.UniqueConstraint(fields=["customer", "kind", "normalised"], name="contact_point_once"),
            models.UniqueConstraint(
                fields=["customer", "kind"],
                condition=models.Q(is_primary=True),
                name="contact_point_one_primary",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.value}"


class ExternalId(models.Model):
    """The customer's id in another system. One id points to one customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="external_ids")
    source = models.CharField(_("source"), max_length=50)
    value = models.CharField(_("external ID"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external ID")
        verbose_name_plural = _("external IDs")
        constraints = [models.UniqueConstraint(fields=["source", "value"], name="external_id_unique")]

    def __str__(self):
        return f"{self.source}:{self.value}"


class ConsentEvent(models.Model):
    """One grant or withdrawal of consent; the latest per channel and purpose is in force."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    occurred_at = models.DateTimeField(_("when"))
    source = models.CharField(_("source"), max_length=100)
    # The staff member, or the user who asked the job that recorded it (see patron.actors).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("recorded by"), max_length=8, choices=ActorKind.choices)
    # The customer, when they recorded it themselves; indexed only where set (see Meta).
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["customer", "channel", "purpose", "-occurred_at"], name="consent_event_lookup"
            ),
            models.Index(
                fields=["actor_customer"],
                condition=models.Q(actor_customer__isnull=False),
                name="consent_event_actor_customer",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="consent_event_actor_kind_known"
            ),
            models.CheckConstraint(
                condition=one_of("channel", Channel.values), name="consent_event_channel_known"
            ),
            models.CheckConstraint(
                condition=one_of("purpose", Purpose.values), name="consent_event_purpose_known"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.channel}/{self.purpose}: {self.granted}"


class Consent(models.Model):
    """The consent in force for one customer, channel and purpose (kept by the service)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    since = models.DateTimeField(_("since"))
    source = models.CharField(_("source"), max_length=100)
    event = models.ForeignKey(ConsentEvent, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["customer", "channel", "purpose"], name="consent_one_in_force"),
            models.CheckConstraint(condition=one_of("channel", Channel.values), name="consent_channel_known"),
            models.CheckConstraint(condition=one_of("purpose", Purpose.values), name="consent_purpose_known"),
        ]
        indexes = [models.Index(fields=["channel", "purpose", "granted", "customer"], name="consent_filter")]

    def __str__(self):
        return f"{self.customer_id} {self.channel}/{self.purpose}: {self.granted}"


class AuditAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Changed")
    CONSENT = "consent", pgettext_lazy("audit action", "Consent changed")
    MERGE = "merge", pgettext_lazy("audit action", "Merged")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
    EXPORT = "export", pgettext_lazy("audit action", "Data exported")
    ERASE = "erase", pgettext_lazy("audit action", "Personal data erased")


class AuditEvent(models.Model):
    """Who changed what on a customer or their consents, and when."""

    # Declared above, where Meta's constraints can see it; AuditEvent.Action as before.
    Action = AuditAction

    # Indexed by audit_customer_at, which leads with the customer.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="audit_events", db_index=False
    )
    # The staff member, or the user who asked the job that did it (see patron.actors).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("done by"), max_length=8, choices=ActorKind.choices)
    # The customer, when they did it themselves; indexed only where set (see Meta).
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="audit_customer_at"),
            models.Index(
                fields=["actor_customer"],
                condition=models.Q(actor_customer__isnull=False),
                name="audit_actor_customer",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=one_of("action", AuditAction.values), name="audit_action_known"),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="audit_actor_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.at} {self.action} {self.customer_id}"


class ListActionKind(models.TextChoices):
    EXPORT = "export", _("Export")
    TAG_ADD = "tag_add", _("Add a tag")
    TAG_REMOVE = "tag_remove", _("Remove a tag")
    OWNER = "owner", _("Assign an owner")


class ListActionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ListAction(models.Model):
    """One action on many customers at once: an export of the customer list, or a change made
    to a selection or a whole filter (see customers/bulk.py). Who did it, to which customers
    (the filter, or the ids chosen), with what, and how many it found and changed. Each customer
    a change reaches has its own audit event too; an export writes none per customer."""

    Kind = ListActionKind
    Status = ListActionStatus

    kind = models.CharField(_("action"), max_length=10, choices=ListActionKind.choices)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    ids = models.JSONField(_("customers chosen"), default=list, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)  # tag, owner, or file format
    matched = models.PositiveIntegerField(_("customers"), null=True, blank=True)
    changed = models.PositiveIntegerField(_("changed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ListActionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("done by"), max_length=8, choices=ActorKind.choices)
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("list action")
        verbose_name_plural = _("list actions")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", ListActionKind.values), name="list_action_kind_known"
            ),
            models.CheckConstraint(
                condition=one_of("status", ListActionStatus.values), name="list_action_status_known"
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="list_action_actor_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.at} {self.kind} {self.value}"
