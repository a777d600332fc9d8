import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.accounts.roles import ROLE_LABELS, ROLES
from patron.actors import ActorKind
from patron.constraints import one_of


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian (2026)")
    BUDDHIST = "buddhist", _("Buddhist era (2569)")


class UserProfile(models.Model):
    """A staff member's own language and time zone (empty: the workspace's)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Empty: the language's custom (the Buddhist era in Thai, the Gregorian calendar otherwise).
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices, blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=one_of("language", [*dict(settings.LANGUAGES), ""]),
                name="user_profile_language_known_or_blank",
            ),
            models.CheckConstraint(
                condition=one_of("calendar", [*Calendar.values, ""]),
                name="user_profile_calendar_known_or_blank",
            ),
        ]

    def __str__(self):
        return str(self.user)


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()


class TokenFailure(models.Model):
    """One request to the API with a token that opened nothing, kept for the throttle's window.

    In the database, so every server process counts the same failures; while an address is
    throttled its requests are refused without a row, so it holds at most the limit per address.
    """

    address = models.CharField(max_length=45)  # empty when the server was not told (a socket)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "failed_at"])]

    def __str__(self):
        return f"{self.address} {self.failed_at:%Y-%m-%d %H:%M:%S}"


class ThrottleHit(models.Model):
    """One request a throttle let through, kept for its window (patron.accounts.throttle): a
    password reset request from an address, a reset e-mail to an account. In the database, so
    every server process counts the same."""

    scope = models.CharField(max_length=20)  # what is counted: "reset-address", "reset-account"
    key = models.CharField(max_length=64)  # whose: the client address, the user's id
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self):
        return f"{self.scope} {self.key} {self.at:%Y-%m-%d %H:%M:%S}"


class Invitation(models.Model):
    """An Admin's invitation for someone to join with a role. The link's token is shown or mailed
    once and only its SHA-256 is kept; the link opens once, until it expires or is revoked."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=30)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    mailed = models.BooleanField(_("sent by e-mail"), default=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=one_of("role", ROLES), name="invitation_role_known")]

    def __str__(self):
        return self.email

    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role)

    def is_pending(self, now=None):
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()


class AccountAction(models.TextChoices):
    INVITE = "invite", _("invited")
    REVOKE_INVITATION = "uninvite", _("revoked an invitation")
    JOIN = "join", _("joined")
    SET_ROLE = "role", _("changed the role")
    DEACTIVATE = "deactivate", _("deactivated")
    REACTIVATE = "reactivate", _("reactivated")
    CHANGE_PASSWORD = "password", _("changed the password")
    RESET_LINK = "reset_link", _("issued a password reset link")
    RESET_PASSWORD = "reset", _("reset the password")


class AccountEvent(models.Model):
    """Who did what to whose access: invitations, roles, deactivations, passwords."""

    Action = AccountAction

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Staff (the actor above), or the system in a job such as `patron changepassword` (patron.actors).
    actor_kind = models.CharField(
        _("done by"), max_length=8, choices=ActorKind.choices, default=ActorKind.STAFF
    )
    actor_job = models.CharField(_("job"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)  # an invitation's, before there is a user
    changes = models.JSONField(_("changes"), default=dict)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("action", AccountAction.values), name="account_event_action_known"
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="account_event_actor_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
