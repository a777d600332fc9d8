"""The Organisations entry of the menu."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry

navigation.register(
    NavEntry(
        "organisations", _("Organisations"), "organisations:list", order=20, current_for=("organisations",)
    )
)
