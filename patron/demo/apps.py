from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "patron.demo"

    def ready(self):
        from patron.actors import register_job

        # The system writes the demo shop's history in the job "demo" (patron.demo.plan.DEMO).
        register_job("demo", _("demo shop"))
