from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "patron.jobs"

    def ready(self):
        from patron.jobs import queue  # noqa: F401  (connects the failure signal)
