"""The organisation page's panels registry and the Organisations entry of the menu.

Other apps add their panels to `organisation_panels` in their own ui.py (see patron.web.panels),
so that this app imports none of them.
"""

from django.utils.translation import gettext_lazy as _

from patron.web import navigation
from patron.web.navigation import NavEntry
from patron.web.panels import Panels

organisation_panels = Panels("organisation page")

navigation.register(
    NavEntry(
        "organisations", _("Organisations"), "organisations:list", order=20, current_for=("organisations",)
    )
)
