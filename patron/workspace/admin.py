from django.contrib import admin

from patron.web.admin_site import ReadOnlyAdmin
from patron.workspace.models import ExchangeRate, Workspace


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyAdmin):
    """Changed on the Workspace page (workspace_update checks country, currency, time zone)."""

    list_display = ["name", "country", "currency", "time_zone"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    """Kept on the Exchange rates page (patron.workspace.rates): it refuses a rate for the base
    currency and records who changed which rate."""

    list_display = ["currency", "date", "rate"]
    list_filter = ["currency"]
    date_hierarchy = "date"
