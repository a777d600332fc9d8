"""The Workspace entry of the menu, for Admins; its pages (settings, exchange rates) are tabs
of one another (workspace/_tabs.html), so the menu keeps room on one line at 1280 px."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry, for_admins

navigation.register(
    NavEntry(
        "workspace",
        _("Workspace"),
        "workspace:settings",
        order=80,
        visible=for_admins,
        current_for=("workspace",),
        element_id="nav-workspace",
    )
)
