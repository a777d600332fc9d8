from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LadderConfig(AppConfig):
    name = "patron.ladder"
    label = "ladder"
    verbose_name = _("Loyalty ladder")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The evidence this app holds or reads from sales, loyalty and organisations.
        import patron.ladder.sources  # noqa: F401
