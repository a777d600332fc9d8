from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "patron.help"
    verbose_name = _("Help")
    default_auto_field = "django.db.models.BigAutoField"
