from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from patron.accounts.models import ApiToken, UserProfile
from patron.accounts.services import token_revoke
from patron.workspace.regions import validate_time_zone


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; an admin sees them and revokes them with the action,
    which stamps the time (a typed date could revoke in 2099, or a cleared one revive a token).
    Nothing on a token can be changed here, and its key hash is never shown: it is the one
    value that finds the token, so it stays out of pages, as the secret does."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

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
