"""The Administration entry of the menu (the Django admin), for Admins."""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry, for_admins

navigation.register(
    NavEntry("administration", _("Administration"), "admin:index", order=90, visible=for_admins)
)
