from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "patron.jobs"

    def ready(self):
        from patron.jobs import queue  # noqa: F401  (connects the failure signal)

        # Each app keeps its background jobs in jobs.py; the worker must know them all.
        autodiscover_modules("jobs")
