from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from patron.accounts.roles import is_admin


class PatronAdminSite(AdminSite):
    """Django's admin, for members of the Admin group only."""

    site_header = _("Patron administration")
    site_title = _("Patron")

    def has_permission(self, request):
        return is_admin(request.user)
