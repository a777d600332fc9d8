"""The People entry of the menu, for Admins: invitations, roles, deactivation, reset links."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry, for_admins

navigation.register(
    NavEntry("people", _("People"), "accounts:people", order=85, visible=for_admins, element_id="nav-people")
)
