from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "patron.relationships"
    label = "relationships"
    verbose_name = _("Relationship levels")
    default_auto_field = "django.db.models.BigAutoField"
