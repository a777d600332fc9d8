"""People and access: invitations, roles, deactivation, passwords, and the record of each.

Every change is checked with patron.accounts.permissions (only Admins hold auth.add_user and
auth.change_user) and recorded as an AccountEvent. The last active Admin can be neither
demoted nor deactivated, so the shop can never lock itself out of its own people page.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.accounts.mail import MailNotSent, mail_configured, send_mail
from patron.accounts.models import AccountAction, AccountEvent, Invitation
from patron.accounts.permissions import require
from patron.accounts.roles import ADMIN, ROLE_LABELS, ROLES
from patron.accounts.services import profile_update
from patron.actors import ActorKind, as_actor, register_job

INVITATION_DAYS = 7
COMMAND_JOB = "changepassword"  # the system's job when `patron changepassword` sets a password
register_job(COMMAND_JOB, gettext_lazy("the changepassword command on the server"))


def record(*, action, by, user=None, email="", changes=None):
    """Record ``action``, done ``by`` a user (staff) or an Actor (the system in a command)."""
    return AccountEvent.objects.create(
        action=AccountAction(action), user=user, email=email, changes=changes or {}, **as_actor(by).columns()
    )


def role_of(user):
    """The user's role: Admin for a superuser, else the first of ROLES among their groups, or ""."""
    if user.is_superuser:
        return ADMIN
    names = {group.name for group in user.groups.all()}
    return next((role for role in ROLES if role in names), "")


def _keep_an_admin(user, *, losing):
    """Refuse a change that would leave no active Admin (``losing``: the user stops being one)."""
    if not losing:
        return
    users = get_user_model()
    admins = users.objects.filter(Q(is_superuser=True) | Q(groups__name=ADMIN), is_active=True)
    # Every Admin's row locked, then counted again: two Admins demoting each other at once wait
    # for one another, and the second finds itself the last.
    ids = list(admins.values_list("pk", flat=True))
    list(users.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    if not admins.exclude(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s is the last active Admin: make someone else an Admin first.") % {"name": user}
        )


def _check_role(role):
    if role not in ROLES:
        raise ValidationError({"role": [_("Choose one of the roles.")]})


def _absolute(base_url, path):
    return base_url.rstrip("/") + path


@dataclass(frozen=True)
class InvitationMade:
    invitation: Invitation
    link: str  # shown to the Admin when it was not mailed; never stored
    mail_error: str = ""  # why the e-mail could not be sent, when mail is configured


def invitation_create(*, email, role, by, base_url, language=""):
    """Invite ``email`` to join with ``role``. With mail configured the link is e-mailed (in
    ``language``, which becomes the new user's); the result holds the link either way, for the
    page to show when it was not sent. Earlier open invitations for the address are revoked."""
    require(by, "auth.add_user")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    _check_role(role)
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the offered languages.")]})
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("Someone with this e-mail address has an account already.")]})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            language=language,
            token_hash=Invitation.hash_token(token),
            invited_by=by,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        link = _absolute(base_url, reverse("accounts:accept_invitation", args=[token]))
        mail_error = ""
        if mail_configured():
            context = {"link": link, "inviter": by, "role": ROLE_LABELS[role], "days": INVITATION_DAYS}
            try:
                send_mail(to=email, template="invitation", context=context, language=language, by=by)
            except MailNotSent as error:
                mail_error = str(error)
            else:
                invitation.mailed = True
                invitation.save(update_fields=["mailed"])
        record(
            action=AccountAction.INVITE,
            by=by,
            email=email,
            changes={"role": role, "mailed": invitation.mailed},
        )
    return InvitationMade(invitation, link, mail_error)


def invitation_revoke(*, invitation, by):
    require(by, "auth.add_user")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(action=AccountAction.REVOKE_INVITATION, by=by, email=invitation.email)
    return invitation


def pending_invitations():
    return Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


def invitation_for_token(token):
    """(invitation, why it cannot be used or "") for the link's token; (None, "unknown") if none."""
    invitation = Invitation.objects.filter(token_hash=Invitation.hash_token(token or "")).first()
    if invitation is None:
        return None, "unknown"
    if invitation.accepted_at is not None:
        return invitation, "used"
    if invitation.revoked_at is not None:
        return invitation, "revoked"
    if invitation.expires_at <= timezone.now():
        return invitation, "expired"
    return invitation, ""


def invitation_accept(*, token, username, name, password):
    """Make the invitee's account from the link's token: ``username`` (the e-mail when blank),
    ``name`` and ``password`` (Django's validators). The token works once."""
    users = get_user_model()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=Invitation.hash_token(token or ""))
            .first()
        )
        if invitation is None or not invitation.is_pending():
            raise ValidationError(_("This invitation link is no longer valid: ask an Admin for a new one."))
        username = (username or "").strip() or invitation.email
        name = " ".join((name or "").split())
        errors = {}
        try:
            users.username_validator(username)
        except ValidationError as error:
            errors["username"] = error.messages
        if len(username) > 150:
            errors["username"] = [_("A username has at most 150 characters.")]
        elif users.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This username is taken: choose another.")]
        if not name:
            errors["name"] = [_("Give your name, as your colleagues will see it.")]
        elif len(name) > 150:
            errors["name"] = [_("A name has at most 150 characters.")]
        user = users(username=username, email=invitation.email, first_name=name)
        try:
            validate_password(password or "", user)
        except ValidationError as error:
            errors["password"] = error.messages
        if errors:
            raise ValidationError(errors)
        user.set_password(password)
        user.is_staff = invitation.role == ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=invitation.role))
        if invitation.language:
            profile_update(user=user, language=invitation.language)
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
        record(
            action=AccountAction.JOIN,
            by=user,
            user=user,
            email=invitation.email,
            changes={"role": invitation.role},
        )
    return user


def role_set(*, user, role, by):
    """Give ``user`` exactly ``role`` among the four (other groups are kept). A superuser given
    another role stops being one, so the page's role is what they may do."""
    require(by, "auth.change_user")
    _check_role(role)
    with transaction.atomic():
        before = role_of(user)
        if before == role:
            return user
        _keep_an_admin(user, losing=user.is_active and before == ADMIN)
        user.groups.remove(*Group.objects.filter(name__in=ROLES))
        user.groups.add(Group.objects.get(name=role))
        user.is_staff = role == ADMIN
        user.is_superuser = user.is_superuser and role == ADMIN
        user.save(update_fields=["is_staff", "is_superuser"])
        record(action=AccountAction.SET_ROLE, by=by, user=user, changes={"role": [before, role]})
    return user


def user_set_active(*, user, active, by):
    """Deactivate (they can no longer log in, and their API tokens stop working) or reactivate."""
    require(by, "auth.change_user")
    with transaction.atomic():
        if user.is_active == active:
            return user
        _keep_an_admin(user, losing=not active and role_of(user) == ADMIN)
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = AccountAction.REACTIVATE if active else AccountAction.DEACTIVATE
        record(action=action, by=by, user=user)
    return user


def password_change(*, user, password, by):
    """Set ``user``'s password, checked by Django's validators (the old one was checked by the
    form). ``by``: the user themselves, an Admin, or the system (`patron changepassword`)."""
    actor = as_actor(by)
    if actor.kind != ActorKind.STAFF or actor.user.pk != user.pk:
        require(actor, "auth.change_user")
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(action=AccountAction.CHANGE_PASSWORD, by=actor, user=user)
    return user


def reset_link_issue(*, user, by, base_url):
    """A one-time link for ``user`` to choose a new password (an Admin copies it to them when mail
    is not configured). It stops working once used, when the password changes, or after
    PASSWORD_RESET_TIMEOUT (three days)."""
    require(by, "auth.change_user")
    if not user.is_active:
        raise ValidationError(_("%(name)s is deactivated: reactivate them first.") % {"name": user})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    record(action=AccountAction.RESET_LINK, by=by, user=user)
    return _absolute(base_url, reverse("accounts:password_reset_confirm", args=[uid, token]))


def people():
    """Every user, with their groups, for the people page."""
    return get_user_model().objects.prefetch_related("groups").order_by("-is_active", "username")
