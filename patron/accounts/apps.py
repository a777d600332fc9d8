from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "patron.accounts"

    def ready(self):
        from patron.accounts.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
