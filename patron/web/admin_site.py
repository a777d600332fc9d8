from django.contrib import admin
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from patron.accounts.roles import is_admin


class PatronAdminSite(AdminSite):
    """Django's admin, for members of the Admin group only."""

    site_header = _("Patron administration")
    site_title = _("Patron")

    def has_permission(self, request):
        return is_admin(request.user)

    def password_change(self, request, extra_context=None):
        """On Patron's own page, which records the change as the People page lists it."""
        return redirect("accounts:password_change")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, never added, changed or deleted there: these rows are written by
    Patron's services (on its pages, by the API and imports), which validate them, audit them
    and keep what follows from them in step (an order's base total, a consent in force, a
    search text). A model form would save whatever is typed, a total or a date the API refuses
    included; a delete would take an order out of the revenue or a consent out of its history
    with no audit record."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
