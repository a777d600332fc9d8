import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.models import ApiToken, Calendar, UserProfile
from patron.accounts.permissions import allowed
from patron.workspace.regions import validate_time_zone

TOKEN_PREFIX = "pat_"  # noqa: S105 (a public marker, not a secret)


def token_create(*, user, name="default"):
    """Create an API token for `user`; returns (token row, the secret shown this once)."""
    if not user.is_active:
        raise ValidationError(_("Tokens can only be made for active users."))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("Give the token a name of 1 to 100 characters.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], key_hash=ApiToken.hash_key(secret)
    )
    return token, secret


def token_create_for_username(*, username, name="cli"):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(_("No user named %(username)s.") % {"username": username})
    return token_create(user=user, name=name)


def token_revoke(*, token, by):
    if token.user_id != by.id and not allowed(by, "accounts.change_apitoken"):
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(secret):
    """The active user a live token belongs to, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def profile_for(user):
    profile, _ = UserProfile.objects.get_or_create(user=user)
    return profile


def profile_update(*, user, language=None, time_zone=None, calendar=None):
    """A user's own language, time zone and calendar ("" for each: the default; the calendar's
    is the language's custom, the Buddhist era in Thai)."""
    from django.conf import settings

    profile = profile_for(user)
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": [_("Choose one of the offered languages.")]})
        profile.language = language
    if time_zone is not None:
        profile.time_zone = validate_time_zone(time_zone) if time_zone else ""
    if calendar is not None:
        if calendar and calendar not in Calendar.values:
            raise ValidationError({"calendar": [_("Choose one of the offered calendars.")]})
        profile.calendar = calendar
    profile.save()
    return profile
