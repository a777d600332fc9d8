"""The Duplicates entry of the menu."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry

navigation.register(
    NavEntry(
        "duplicates",
        _("Duplicates"),
        "duplicates:list",
        order=40,
        permission="customers.view_customer",
        current_for=("duplicates",),
        element_id="nav-duplicates",
    )
)
