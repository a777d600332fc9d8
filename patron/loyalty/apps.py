from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "patron.loyalty"
    verbose_name = _("Loyalty")
    default_auto_field = "django.db.models.BigAutoField"
