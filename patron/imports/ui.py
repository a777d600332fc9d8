"""The Import entry of the menu, for those who may import customers or orders."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry


def _may_import(user):
    return user.has_perm("customers.change_customer") or user.has_perm("sales.change_order")


navigation.register(
    NavEntry(
        "import",
        _("Import"),
        "imports:list",
        order=50,
        visible=_may_import,
        current_for=("imports",),
        element_id="nav-import",
    )
)
