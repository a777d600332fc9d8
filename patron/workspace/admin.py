from django.contrib import admin

from patron.workspace.models import ExchangeRate, Workspace


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "currency", "time_zone"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "date", "rate"]
    list_filter = ["currency"]
    date_hierarchy = "date"
