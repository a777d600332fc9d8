from django.contrib import admin

from patron.accounts.models import ApiToken, UserProfile


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; an admin sees them and can revoke (set revoked)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    list_filter = ["revoked_at"]

    def has_add_permission(self, request):
        return False


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "time_zone"]
