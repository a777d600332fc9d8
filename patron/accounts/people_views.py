"""The people page (Admins: invitations, roles, deactivation, reset links) and the invitee's page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts import people
from patron.accounts.mail import mail_configured
from patron.accounts.models import AccountAction, AccountEvent, Invitation
from patron.accounts.permissions import require_perm
from patron.accounts.roles import ROLE_LABELS, ROLES
from patron.web.errors import add_service_errors


def _role_choices():
    return [(role, ROLE_LABELS[role]) for role in ROLES]


def _role_choices_to_pick():
    """No role chosen beforehand: an Admin's rights are not given by overlooking a select."""
    return [("", "—"), *_role_choices()]


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)
    role = forms.ChoiceField(label=pgettext_lazy("access", "Role"), choices=_role_choices_to_pick)
    language = forms.ChoiceField(
        label=gettext_lazy("Their language"),
        help_text=gettext_lazy("The invitation e-mail and their pages are in this language."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class AcceptForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Leave empty to log in with your e-mail address."),
    )
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=gettext_lazy("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


def _base_url(request):
    return f"{request.scheme}://{request.get_host()}"


def _people_page(request, *, form=None, made=None, reset_link=None, reset_for=None, status=200):
    require_perm(request.user, "auth.view_user")
    users = list(people.people())
    for user in users:
        user.role = people.role_of(user)
    context = {
        "form": form or InviteForm(initial={"language": get_language()}),
        "made": made,
        "reset_link": reset_link,
        "reset_for": reset_for,
        "people": users,
        "roles": _role_choices(),
        "invitations": people.pending_invitations().select_related("invited_by"),
        "events": _latest_events(),
        "mail_configured": mail_configured(),
        "invitation_days": people.INVITATION_DAYS,
    }
    return render(request, "accounts/people.html", context, status=status)


def _latest_events(count=20):
    """The latest changes to people and access, a role change with its roles as the page names them."""
    events = list(AccountEvent.objects.select_related("actor", "user")[:count])
    for event in events:
        before_after = event.changes.get("role") if event.action == AccountAction.SET_ROLE else None
        event.roles = [ROLE_LABELS.get(role, role) for role in before_after] if before_after else None
    return events


@login_required
@require_http_methods(["GET", "POST"])
def people_view(request):
    """The list of people and the invitation form; after an invitation that was not e-mailed,
    the page shows its link this once."""
    if request.method == "GET":
        return _people_page(request)
    require_perm(request.user, "auth.add_user")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            made = people.invitation_create(by=request.user, base_url=_base_url(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if made.invitation.mailed:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": made.invitation.email}
                )
                return redirect("accounts:people")
            return _people_page(request, made=made)
    return _people_page(request, form=form, status=400)


def _user(pk):
    return get_object_or_404(get_user_model(), pk=pk)


def _refused(request, error):
    for text in error.messages:
        messages.error(request, text)
    return redirect("accounts:people")


@login_required
@require_POST
def role_view(request, pk):
    user = _user(pk)
    try:
        people.role_set(user=user, role=request.POST.get("role", ""), by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    messages.success(
        request,
        _("%(name)s is now: %(role)s.") % {"name": user, "role": ROLE_LABELS[people.role_of(user)]},
    )
    return redirect("accounts:people")


@login_required
@require_POST
def active_view(request, pk):
    user = _user(pk)
    active = request.POST.get("active") == "1"
    try:
        people.user_set_active(user=user, active=active, by=request.user)
    except ValidationError as error:
        return _refused(request, error)
    if active:
        messages.success(request, _("%(name)s can log in again.") % {"name": user})
    else:
        messages.success(request, _("%(name)s is deactivated: they can no longer log in.") % {"name": user})
    return redirect("accounts:people")


@login_required
@require_POST
def reset_link_view(request, pk):
    user = _user(pk)
    try:
        link = people.reset_link_issue(user=user, by=request.user, base_url=_base_url(request))
    except ValidationError as error:
        return _refused(request, error)
    return _people_page(request, reset_link=link, reset_for=user)


@login_required
@require_POST
def invitation_revoke_view(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    people.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("accounts:people")


UNUSABLE = {
    "unknown": gettext_lazy("This invitation link is not known. Check that it was copied whole."),
    "used": gettext_lazy("This invitation has been used already. Log in, or ask an Admin for a new one."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask an Admin for a new one."),
    "expired": gettext_lazy("This invitation has expired. Ask an Admin for a new one."),
}


@require_http_methods(["GET", "POST"])
def accept_invitation_view(request, token):
    """The invitee chooses a username, name and password, and is logged in."""
    invitation, unusable = people.invitation_for_token(token)
    if unusable:
        status = 404 if unusable == "unknown" else 410
        context = {"problem": UNUSABLE[unusable]}
        return render(request, "accounts/invitation.html", context, status=status)
    form = AcceptForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = people.invitation_accept(
                token=token, username=data["username"], name=data["name"], password=data["password"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            with translation.override(invitation.language or translation.get_language()):  # theirs from now
                messages.success(request, _("Welcome to Patron, %(name)s.") % {"name": user.first_name})
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "invitation": invitation, "role": ROLE_LABELS[invitation.role]}
    return render(request, "accounts/invitation.html", context, status=400 if form.is_bound else 200)
