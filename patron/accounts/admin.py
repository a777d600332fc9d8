from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin  # noqa: F401 (registers User and Group, replaced below)
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from patron.accounts.models import AccountEvent, ApiToken, Invitation, UserProfile
from patron.accounts.people import role_of
from patron.accounts.roles import ROLE_LABELS
from patron.accounts.services import token_revoke
from patron.web.admin_site import ReadOnlyAdmin
from patron.workspace.regions import validate_time_zone


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; an admin sees them and revokes them with the action,
    which stamps the time (a typed date could revoke in 2099, or a cleared one revive a token).
    Nothing on a token can be changed or deleted here, and its key hash is never shown: it is the one
    value that finds the token, so it stays out of pages, as the secret does."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the record of who had API access stays

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = list(queryset)
        for token in tokens:
            token_revoke(token=token, by=request.user)
        said = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
        messages.success(request, said % {"count": len(tokens)})


class UserProfileForm(forms.ModelForm):
    class Meta:
        model = UserProfile
        fields = ["user", "language", "time_zone"]

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        return validate_time_zone(zone) if zone else ""


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    """Editable: the time zone is checked as on the staff member's own settings page."""

    form = UserProfileForm
    list_display = ["user", "language", "time_zone"]


# Users, roles and invitations change on the People page only, through patron.accounts.people:
# there an invitation's token is hashed, a password meets the validators, every change is
# recorded and the last active Admin cannot be demoted or deactivated. Here they are read-only.
# (Django's auth admin, imported above, registers them: this app comes before it in INSTALLED_APPS.)
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "first_name", "email", "role", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = ["username", "first_name", "last_name", "email", "role", "is_active", "is_superuser"]
    fields += ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=pgettext_lazy("access", "Role"))
    def role(self, user):
        role = role_of(user)
        return ROLE_LABELS[role] if role else "—"


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    """The four roles, kept in step with patron.accounts.roles after every migrate."""

    fields = ["name", "permissions"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    fields = ["email", "role", "language", "invited_by", "created_at", "expires_at", "mailed"]
    fields += ["accepted_at", "user", "revoked_at"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "user", "email"]
    list_filter = ["action"]
    fields = ["at", "actor", "action", "user", "email", "changes"]
