"""The Workspace and Exchange rates entries of the menu, for Admins."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry, for_admins

navigation.register(NavEntry("workspace", _("Workspace"), "workspace:settings", order=80, visible=for_admins))
navigation.register(
    NavEntry(
        "rates", _("Exchange rates"), "workspace:rates", order=81, visible=for_admins, element_id="nav-rates"
    )
)
