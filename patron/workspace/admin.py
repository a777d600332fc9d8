from django.contrib import admin

from patron.web.admin_site import ReadOnlyAdmin
from patron.workspace.models import ExchangeRate, Workspace


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyAdmin):
    """Changed on the Workspace page (workspace_update checks country, currency, time zone)."""

    list_display = ["name", "country", "currency", "time_zone"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Editable (the admin is where rates are kept): the model form checks the currency code,
    a rate above 0 and one rate per currency and day, as the database does."""

    list_display = ["currency", "date", "rate"]
    list_filter = ["currency"]
    date_hierarchy = "date"
