"""The Help entry of the menu, last: the user guide, for every user."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry

navigation.register(
    NavEntry("help", _("Help"), "help:guide", order=1000, current_for=("help",), element_id="nav-help")
)
