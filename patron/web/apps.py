from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class WebConfig(AppConfig):
    name = "patron.web"

    def ready(self):
        # Each app adds its menu entry and its panels on others' pages in its ui.py.
        autodiscover_modules("ui")
