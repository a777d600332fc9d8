"""The Home entry of the menu: the page after log-in, for every user."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry

navigation.register(
    NavEntry("home", _("Home"), "home:index", order=5, current_for=("home",), element_id="nav-home")
)
