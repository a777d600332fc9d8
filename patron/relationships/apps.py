from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "patron.relationships"
    label = "relationships"
    verbose_name = _("Relationship levels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The customer list's "level" filter (patron.customers.filters).
        from patron.customers.filters import customer_filters
        from patron.relationships.filters import CUSTOMER_FILTERS

        customer_filters.add(*CUSTOMER_FILTERS)

        # Orders recorded: the playbooks' after-order steps of those customers.
        from patron.outbox.purposes import register_purpose
        from patron.relationships.jobs import orders_recorded_playbooks
        from patron.sales.events import orders_recorded

        orders_recorded.connect(
            orders_recorded_playbooks, dispatch_uid="relationships.orders_recorded_playbooks"
        )
        register_purpose("playbook", _("playbook"))
